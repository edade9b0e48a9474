"""The signed-in person's own profile and consents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator
from pydantic_core import PydanticCustomError

from core import clock
from core.uow import db
from core.validation import Body, reply
from miniprogram_api import bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from models.person import TIER_NAMES, Person
from services.people import addresses, consents, profile
from services.people.residents import community_of

Scope = Literal["privacy_policy", "sensitive_profile", "health", "location", "share_with_charity"]


class ProfileBody(Body):
    """Fields to change; fields left out stay as they are, null clears one."""

    name: str | None = Field(None, min_length=1, max_length=32)
    phone: str | None = Field(None, pattern=r"^1[0-9]{10}$")
    address: str | None = Field(None, min_length=1, max_length=200)
    community_id: int | None = Field(None, ge=1)
    birth_date: date | None = None
    living_alone: bool = False
    disability_level: int | None = Field(None, ge=1, le=4)
    id_number: str | None = Field(None, pattern=r"^[0-9]{17}[0-9Xx]$")
    health_note: str | None = Field(None, max_length=500)
    home_latitude: float | None = Field(
        None, ge=-90, le=90, description="家的纬度（小程序定位，需先授权 location）；与经度一起给")
    home_longitude: float | None = Field(None, ge=-180, le=180, description="家的经度")

    @field_validator("birth_date")
    @classmethod
    def _in_the_past(cls, value: date | None) -> date | None:
        if value is not None and not date(1900, 1, 1) <= value <= clock.today():
            raise PydanticCustomError("date_past", "birth date out of range")
        return value


class ConsentBody(Body):
    scope: Scope


class CommunityOut(BaseModel):
    id: int
    name: str


class RoleOut(BaseModel):
    role: str
    community_id: int | None
    organisation_id: int | None


class HomeOut(BaseModel):
    located: bool = Field(description="家的位置是否已知（送餐上门要用）")
    source: str | None = Field(
        description="address_book（按地址簿对上楼栋）、wechat、miniprogram、staff、demo")
    building: str | None = Field(description="对上的楼栋")
    note: str | None = Field(description="还没有位置时，接下来会怎样、可以做什么")


class ProfileOut(BaseModel):
    id: int
    name: str | None
    phone: str | None
    address: str | None
    id_number: str | None
    community: CommunityOut | None
    birth_date: date | None
    age: int | None
    living_alone: bool
    disability_level: int | None
    health_note: str | None
    economic_tier: str | None = Field(description="核对过且在有效期内的困难类别（中文）")
    roles: list[RoleOut]
    consents: list[str]
    home: HomeOut


class ConsentOut(BaseModel):
    scope: str
    policy_version: str
    granted_at: datetime


def profile_out(person: Person) -> ProfileOut:
    """Serialise a person's own profile (unmasked: only ever shown to its owner)."""
    community = community_of(db(), person.community_id) if person.community_id else None
    tier = person.verified_tier_on(clock.today())
    return ProfileOut(
        id=person.id, name=person.name, phone=person.phone, address=person.address,
        id_number=person.id_number,
        community=CommunityOut(id=community.id, name=community.name) if community else None,
        birth_date=person.birth_date, age=person.age_on(clock.today()),
        living_alone=person.living_alone, disability_level=person.disability_level,
        health_note=person.health_note, economic_tier=TIER_NAMES.get(tier) if tier else None,
        roles=[RoleOut(role=r.role, community_id=r.community_id,
                       organisation_id=r.organisation_id) for r in person.roles],
        consents=sorted(consents.active_scopes(db(), person_id=person.id)),
        home=home_out(person),
    )


def home_out(person: Person) -> HomeOut:
    """Say whether the home is located, from what, and what happens next when not."""
    building = addresses.find_home_building(db(), person=person)
    note = None
    if person.home_lat_lng is None and person.address:
        note = f"{addresses.UNLOCATED_NEXT}在家的话，也可以发送家的位置。"
    elif person.home_lat_lng is None:
        note = "填写住址，或在小程序里发送家的位置后，就能送餐上门。"
    return HomeOut(located=person.home_lat_lng is not None, source=person.home_source,
                   building=building.name if building else None, note=note)


@bp.get("/me")
@login_required
@api_doc(summary="查看我的资料", response=ProfileOut)
def get_me() -> Any:
    """Show the signed-in person's profile."""
    return reply(profile_out(current_person()))


@bp.put("/me")
@login_required
@api_doc(summary="修改我的资料（敏感字段需先授权）", body=ProfileBody, response=ProfileOut)
def update_me(body: ProfileBody) -> Any:
    """Change the given profile fields."""
    changes = body.model_dump(include=body.model_fields_set)
    person = profile.update_profile(db(), person=current_person(), changes=changes)
    return reply(profile_out(person))


@bp.post("/me/consents")
@login_required
@idempotent
@api_doc(summary="同意一项授权", body=ConsentBody, response=ConsentOut, status=201)
def give_consent(body: ConsentBody) -> Any:
    """Record the person's consent to one scope."""
    consent = consents.give_consent(db(), person=current_person(), scope=body.scope)
    return reply(ConsentOut(scope=consent.scope, policy_version=consent.policy_version,
                            granted_at=consent.granted_at), 201)


@bp.delete("/me/consents/<scope>")
@login_required
@api_doc(summary="撤回一项授权", status=204)
def withdraw_consent(scope: str) -> Any:
    """Withdraw the person's consent to one scope."""
    consents.withdraw_consent(db(), person=current_person(), scope=scope)
    return "", 204


class PhoneCodeBody(Body):
    code: str = Field(min_length=1, max_length=128, description="getPhoneNumber 按钮给的 code")


@bp.post("/me/phone")
@login_required
@api_doc(summary="用微信手机号授权绑定手机号", body=PhoneCodeBody, response=ProfileOut)
def bind_phone(body: PhoneCodeBody) -> Any:
    """Bind the phone number the person shared through WeChat."""
    person = profile.bind_phone_with_code(db(), person=current_person(), code=body.code)
    return reply(profile_out(person))

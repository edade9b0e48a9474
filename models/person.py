"""People, their WeChat identities, roles, consents and proxies.

Sensitive fields (name, phone, ID number, address, home location, health
and disability detail) are EncryptedString columns; `*_bidx` columns hold a
keyed blind index for equality lookups. Use the `set_phone` / `set_name` /
`set_id_number` helpers so the index always follows the value.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import crypto
from models.base import Base, EncryptedString, EncryptedText, Timestamped, UTCDateTime, enum_values

# "duty": the county duty desk (值班), told of every emergency no community staff can take.
ROLES = ("resident", "volunteer", "staff", "supervisor", "charity_admin", "canteen_operator",
         "duty")
ECONOMIC_TIERS = (
    "dibao",  # 低保
    "tekun",  # 特困
    "dibao_edge",  # 低保边缘
    "rigid_expense",  # 刚性支出困难
    "poverty_watch",  # 防止返贫监测
    "left_dibao_1y",  # 退出低保未满一年
    "temp_aid_1y",  # 临时救助未满一年
)
TIER_NAMES = {
    "dibao": "低保",
    "tekun": "特困",
    "dibao_edge": "低保边缘",
    "rigid_expense": "刚性支出困难",
    "poverty_watch": "防止返贫监测",
    "left_dibao_1y": "退出低保未满一年",
    "temp_aid_1y": "临时救助未满一年",
}
CONSENT_SCOPES = (
    "privacy_policy",  # 隐私政策（基本信息）
    "sensitive_profile",  # 敏感个人信息：身份证号、住址、电话
    "health",  # 健康与残疾信息
    "location",  # 位置信息
    "share_with_charity",  # 同意转介给慈善组织
)
PROXY_STATUSES = ("invited", "accepted", "declined", "revoked")


class Person(Base, Timestamped):
    __tablename__ = "persons"
    __table_args__ = (
        CheckConstraint(
            f"economic_tier IS NULL OR economic_tier IN ({enum_values(ECONOMIC_TIERS)})",
            name="economic_tier",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    oa_openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    mp_openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    unionid: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(EncryptedString(512))
    name_bidx: Mapped[str | None] = mapped_column(String(40), index=True)
    phone: Mapped[str | None] = mapped_column(EncryptedString(256))
    phone_bidx: Mapped[str | None] = mapped_column(String(40), index=True)
    id_number: Mapped[str | None] = mapped_column(EncryptedString(256))
    id_number_bidx: Mapped[str | None] = mapped_column(String(40), unique=True)
    address: Mapped[str | None] = mapped_column(EncryptedString(1024))
    home_location: Mapped[str | None] = mapped_column(EncryptedString(256))
    # Where home_location came from (models.addresses.HOME_SOURCES); None = not located.
    home_source: Mapped[str | None] = mapped_column(String(16))
    # The address-book building the home was matched to. No foreign key on purpose: on
    # SQLite adding one rebuilds `persons`, whose rows cascade into every table that
    # points at them; buildings are never deleted (an import only adds and updates).
    home_building_id: Mapped[int | None] = mapped_column(Integer)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    living_alone: Mapped[bool] = mapped_column(Boolean, default=False)
    disability_level: Mapped[int | None]
    health_note: Mapped[str | None] = mapped_column(EncryptedString(4096))
    economic_tier: Mapped[str | None] = mapped_column(String(32))
    tier_verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    tier_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    tier_review_due: Mapped[date | None] = mapped_column(Date)
    last_interaction_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the person was erased (PIPL art. 47): what is left is a pseudonym and amounts.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    roles: Mapped[list[PersonRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="select",
        foreign_keys="PersonRole.person_id",
    )

    def set_name(self, name: str | None) -> None:
        self.name = name
        self.name_bidx = crypto.blind_index(name, kind="name") if name else None

    def set_phone(self, phone: str | None) -> None:
        self.phone = crypto.normalise_phone(phone) if phone else None
        self.phone_bidx = crypto.blind_index(phone, kind="phone") if phone else None

    def set_id_number(self, id_number: str | None) -> None:
        self.id_number = id_number
        self.id_number_bidx = crypto.blind_index(id_number, kind="id") if id_number else None

    def set_home_location(self, latitude: float, longitude: float, *, source: str = "demo",
                          building_id: int | None = None) -> None:
        self.home_location = f"{latitude:.6f},{longitude:.6f}"
        self.home_source = source
        self.home_building_id = building_id

    def clear_home_location(self) -> None:
        self.home_location = self.home_source = self.home_building_id = None

    @property
    def home_lat_lng(self) -> tuple[float, float] | None:
        if not self.home_location:
            return None
        lat, _, lng = self.home_location.partition(",")
        return float(lat), float(lng)

    def has_role(self, role: str, *, community_id: int | None = None) -> bool:
        return any(
            r.role == role and (community_id is None or r.community_id in (None, community_id))
            for r in self.roles
        )

    def role_names(self) -> set[str]:
        return {r.role for r in self.roles}

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    def verified_tier_on(self, day: date) -> str | None:
        """The economic tier that counts on `day`: verified (核对) and not past review."""
        if not self.economic_tier or self.tier_verified_at is None:
            return None
        if self.tier_review_due is not None and self.tier_review_due < day:
            return None
        return self.economic_tier

    @property
    def masked_name(self) -> str:
        return crypto.mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return crypto.mask_phone(self.phone)


class PersonRole(Base):
    """A role held by a person, scoped to a community or an organisation where it matters."""

    __tablename__ = "person_roles"
    __table_args__ = (
        CheckConstraint(f"role IN ({enum_values(ROLES)})", name="role"),
        UniqueConstraint("person_id", "role", "community_id", "organisation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship(back_populates="roles", foreign_keys=[person_id])


class Consent(Base):
    """A consent given (and maybe withdrawn) under one version of the policy (PIPL)."""

    __tablename__ = "consents"
    __table_args__ = (
        CheckConstraint(f"scope IN ({enum_values(CONSENT_SCOPES)})", name="scope"),
        Index("ix_consents_person_scope", "person_id", "scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(32))
    policy_version: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Proxy(Base):
    """Permission for an agent (family member, volunteer) to act for a principal."""

    __tablename__ = "proxies"
    __table_args__ = (
        CheckConstraint(f"status IN ({enum_values(PROXY_STATUSES)})", name="status"),
        CheckConstraint("principal_id <> agent_id", name="not_self"),
        UniqueConstraint("principal_id", "agent_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    principal_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str | None] = mapped_column(EncryptedText())
    status: Mapped[str] = mapped_column(String(16), default="invited")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

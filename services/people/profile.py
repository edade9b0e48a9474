"""A person's own profile: read and change it, sensitive fields only under consent."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import crypto
from core.errors import ServiceUnavailable, ValidationFailed
from core.wechat.client import WeChatClient, get_wechat_client
from core.wechat.errors import WeChatError
from models.person import Person
from models.region import Community
from services.messaging.alerts import raise_alert
from services.people.consents import require_consents_for

logger = logging.getLogger(__name__)
BAD_PHONE_CODE_ERRORS = frozenset({40029, 40013, 47001})
PROFILE_FIELDS = (
    "name", "phone", "address", "community_id", "birth_date", "living_alone",
    "disability_level", "id_number", "health_note", "home_latitude", "home_longitude",
)
PIN_FIELDS = ("home_latitude", "home_longitude")


def _check_community(session: Session, community_id: int | None) -> None:
    if community_id is not None and session.get(Community, community_id) is None:
        raise ValidationFailed(fields={"community_id": "没有这个社区"})


def _id_number_owner(session: Session, person: Person, id_number: str | None) -> int | None:
    """The other account this ID number is registered to, if any."""
    if not id_number:
        return None
    bidx = crypto.blind_index(id_number.upper(), kind="id")
    owner = session.scalar(select(Person.id).where(Person.id_number_bidx == bidx))
    return owner if owner is not None and owner != person.id else None


def _flag_duplicate_id_number(session: Session, *, person: Person, owner_id: int) -> None:
    """Keep the number without its index (the first account keeps that) and ask staff to check."""
    person.id_number_bidx = None
    raise_alert(
        session, kind="duplicate_id_number", level="medium",
        summary=f"居民 #{person.id} 填的身份证号已登记在居民 #{owner_id} 名下，请核对是谁填错了。",
        dedupe_key=f"duplicate-id-number:{person.id}:{owner_id}", person_id=person.id,
        community_id=person.community_id, subject_type="person", subject_id=person.id,
        detail={"other_person_id": owner_id},
    )


def update_profile(session: Session, *, person: Person, changes: Mapping[str, Any]) -> Person:
    """Apply the given profile fields; sensitive ones need their consent in force.

    An ID number already registered to another account is kept and answered like any other
    (the answer must not tell one account about another); staff get an alert to sort it out.
    """
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(fields={name: "不认识这个字段" for name in sorted(unknown)})
    written = [name for name, value in changes.items() if value is not None]
    require_consents_for(session, person_id=person.id, fields=written)
    if "community_id" in changes:
        _check_community(session, changes["community_id"])
    owner_id = _id_number_owner(session, person, changes.get("id_number"))
    for name, value in changes.items():
        if name not in PIN_FIELDS:
            _apply(person, name, value)
    _locate_home(session, person, changes)
    if owner_id is not None:
        _flag_duplicate_id_number(session, person=person, owner_id=owner_id)
    session.flush()
    return person


def _locate_home(session: Session, person: Person, changes: Mapping[str, Any]) -> None:
    """Locate the home from a new address, then from coordinates sent with it (they win)."""
    from services.people.addresses import locate_home_from_address, set_home_by_pin

    if "address" in changes or "community_id" in changes:
        locate_home_from_address(session, person=person)
    lat, lng = changes.get("home_latitude"), changes.get("home_longitude")
    if (lat is None) != (lng is None):
        raise ValidationFailed("纬度和经度要一起给。",
                               fields={name: "要和另一个一起给" for name in PIN_FIELDS})
    if lat is not None and lng is not None:
        set_home_by_pin(session, person=person, latitude=float(lat), longitude=float(lng),
                        source="miniprogram")


def _apply(person: Person, name: str, value: Any) -> None:
    if name == "name":
        person.set_name(value)
    elif name == "phone":
        person.set_phone(value)
    elif name == "id_number":
        person.set_id_number(value.upper() if value else None)
    elif name == "living_alone":
        person.living_alone = bool(value)
    else:
        setattr(person, name, value)


def bind_phone(session: Session, *, person: Person, phone: str) -> Person:
    """Store a phone number for this person (needs consent)."""
    return update_profile(session, person=person, changes={"phone": phone})


def bind_phone_with_code(
    session: Session, *, person: Person, code: str, wechat: WeChatClient | None = None
) -> Person:
    """Ask WeChat for the number behind a getPhoneNumber code and store it."""
    # Check consent first: the code is single-use and must not be spent on a refusal.
    require_consents_for(session, person_id=person.id, fields=["phone"])
    try:
        phone = (wechat or get_wechat_client()).get_phone_number(code)
    except WeChatError as exc:
        if exc.errcode in BAD_PHONE_CODE_ERRORS:
            raise ValidationFailed(fields={"code": "授权码无效或已过期"}) from None
        logger.warning("getPhoneNumber failed: errcode=%s", exc.errcode)
        raise ServiceUnavailable("微信暂时连不上，请稍后再试。") from None
    except OSError:
        logger.warning("getPhoneNumber unreachable")
        raise ServiceUnavailable("微信暂时连不上，请稍后再试。") from None
    return bind_phone(session, person=person, phone=phone)

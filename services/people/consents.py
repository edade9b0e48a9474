"""Consents under PIPL: give, withdraw, check; sensitive fields need their scope."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.errors import ConsentRequired, NotFound, ValidationFailed
from models.person import CONSENT_SCOPES, Consent, Person

POLICY_VERSION = "2026-11"
# Profile fields that may only be written under a consent (PIPL: separate consent).
FIELD_SCOPES = {
    "phone": "sensitive_profile",
    "address": "sensitive_profile",
    "id_number": "sensitive_profile",
    "disability_level": "health",
    "health_note": "health",
    "home_latitude": "location",
    "home_longitude": "location",
}
# What a withdrawal erases at once (PIPL art. 47): data whose consent is gone is never read again.
SCOPE_FIELDS = {
    "sensitive_profile": ("phone", "address", "id_number"),
    "health": ("disability_level", "health_note"),
    "location": ("home_location",),
}
SCOPE_NAMES = {
    "privacy_policy": "隐私政策",
    "sensitive_profile": "敏感个人信息（电话、住址、身份证号）",
    "health": "健康与残疾信息",
    "location": "位置信息",
    "share_with_charity": "转介给慈善组织",
}


def _active(session: Session, person_id: int, scope: str) -> Consent | None:
    return session.scalar(
        select(Consent)
        .where(Consent.person_id == person_id, Consent.scope == scope,
               Consent.withdrawn_at.is_(None))
        .order_by(Consent.id.desc())
    )


def _check_scope(scope: str) -> None:
    if scope not in CONSENT_SCOPES:
        raise ValidationFailed(fields={"scope": "不是允许的取值"})


def active_scopes(session: Session, *, person_id: int) -> set[str]:
    """Return the scopes a person has consented to and not withdrawn."""
    stmt = select(Consent.scope).where(Consent.person_id == person_id,
                                       Consent.withdrawn_at.is_(None))
    return set(session.scalars(stmt))


def has_consent(session: Session, *, person_id: int, scope: str) -> bool:
    """Tell whether a person's consent to `scope` is in force."""
    return _active(session, person_id, scope) is not None


def give_consent(session: Session, *, person: Person, scope: str, channel: str = "miniprogram") -> Consent:
    """Record a consent to `scope` under the current policy; repeating it is harmless."""
    _check_scope(scope)
    existing = _active(session, person.id, scope)
    if existing is not None:
        return existing
    consent = Consent(person_id=person.id, scope=scope, policy_version=POLICY_VERSION,
                      channel=channel, granted_at=clock.now())
    session.add(consent)
    session.flush()
    return consent


def withdraw_consent(session: Session, *, person: Person, scope: str) -> None:
    """Withdraw a consent and erase the fields held under it; NotFound when none is in force."""
    _check_scope(scope)
    consent = _active(session, person.id, scope)
    if consent is None:
        raise NotFound("您没有给过这项授权。")
    consent.withdrawn_at = clock.now()
    for name in SCOPE_FIELDS.get(scope, ()):
        setter = getattr(person, f"set_{name}", None)
        if setter is not None and name != "home_location":
            setter(None)
        else:
            setattr(person, name, None)
    session.flush()


def require_consents_for(session: Session, *, person_id: int, fields: Iterable[str]) -> None:
    """Refuse to write sensitive fields whose consent is not in force (CONSENT_REQUIRED)."""
    needed = {FIELD_SCOPES[f] for f in fields if f in FIELD_SCOPES}
    missing = sorted(needed - active_scopes(session, person_id=person_id))
    if missing:
        names = "、".join(SCOPE_NAMES[s] for s in missing)
        raise ConsentRequired(f"请先同意授权：{names}。", scopes=missing)

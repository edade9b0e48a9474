"""Register a resident from chat: consents and profile in one call; list communities."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.person import Person
from models.region import Community
from services.people.consents import give_consent, has_consent
from services.people.profile import update_profile

REGISTER_SCOPES = ("privacy_policy", "sensitive_profile")


def list_communities(session: Session) -> list[Community]:
    """Return every community, in code order (for numbered choices)."""
    return list(session.scalars(select(Community).order_by(Community.code)))


def community_of(session: Session, community_id: int) -> Community | None:
    """Return a community by id."""
    return session.get(Community, community_id)


def has_registration_consent(session: Session, *, person_id: int) -> bool:
    """Tell whether the person already agreed to keep their contact details."""
    return all(has_consent(session, person_id=person_id, scope=s) for s in REGISTER_SCOPES)


def register_resident(
    session: Session, *, person: Person, name: str, phone: str, community_id: int,
    address: str, birth_date: date | None = None, channel: str = "chat",
) -> Person:
    """Record the person's consent and save name, birth date, phone, community and address."""
    for scope in REGISTER_SCOPES:
        give_consent(session, person=person, scope=scope, channel=channel)
    changes: dict[str, object] = {"name": name, "phone": phone, "community_id": community_id,
                                  "address": address}
    if birth_date is not None:
        changes["birth_date"] = birth_date
    return update_profile(session, person=person, changes=changes)

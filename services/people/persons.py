"""Find and create people by their WeChat identities; grant and revoke roles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core import clock, crypto
from core.errors import NotFound
from models.person import ROLES, Person, PersonRole


def get_person(session: Session, *, person_id: int) -> Person:
    """Return a person or raise NotFound."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound()
    return person


def get_person_by_oa_openid(session: Session, *, openid: str) -> Person | None:
    """Return the person behind an official-account openid, if known."""
    return session.scalar(select(Person).where(Person.oa_openid == openid))


def get_or_create_person_by_oa_openid(session: Session, *, openid: str) -> Person:
    """Return the person behind an official-account openid, creating a resident."""
    person = get_person_by_oa_openid(session, openid=openid)
    if person is not None:
        return person
    person = Person(oa_openid=openid)
    person.roles.append(PersonRole(role="resident", granted_at=clock.now()))
    session.add(person)
    session.flush()
    return person


def find_person_by_phone(session: Session, *, phone: str) -> Person | None:
    """Find a person by phone through the blind index (no plaintext in the query)."""
    bidx = crypto.blind_index(phone, kind="phone")
    return session.scalar(select(Person).where(Person.phone_bidx == bidx).order_by(Person.id))


def grant_role(
    session: Session,
    *,
    person: Person,
    role: str,
    community_id: int | None = None,
    organisation_id: int | None = None,
) -> PersonRole:
    """Give a person a role (scoped to a community or organisation); idempotent."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    for existing in person.roles:
        if (existing.role, existing.community_id, existing.organisation_id) == (
            role,
            community_id,
            organisation_id,
        ):
            return existing
    granted = PersonRole(
        role=role,
        community_id=community_id,
        organisation_id=organisation_id,
        granted_at=clock.now(),
    )
    person.roles.append(granted)
    session.flush()
    return granted


def revoke_role(session: Session, *, person: Person, role: str, community_id: int | None = None) -> int:
    """Take a role away; return how many grants were removed."""
    removed = [
        r for r in person.roles
        if r.role == role and (community_id is None or r.community_id == community_id)
    ]
    for r in removed:
        person.roles.remove(r)
    session.flush()
    return len(removed)


def find_person(session: Session, *, person_id: int) -> Person | None:
    """Return a person by id, or None when there is none."""
    return session.get(Person, person_id)


def list_people_by_id(session: Session, *, person_ids: Iterable[int | None]) -> dict[int, Person]:
    """Load the people with these ids (blanks skipped) in one query, by id."""
    wanted = {i for i in person_ids if i}
    if not wanted:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(wanted)))}


def find_person_by_openid(session: Session, *, openid: str) -> Person | None:
    """Find a person by either WeChat openid (the official account's or the mini-program's)."""
    return session.scalar(select(Person).where(
        or_(Person.oa_openid == openid, Person.mp_openid == openid)))


def find_id_by_id_or_code(session: Session, *, model: Any, value: str) -> int | None:
    """Return the id of the community or organisation named by its id or its code."""
    clause = model.code == value
    if value.isdigit() and int(value) < 2**31:  # community codes are long digit strings too
        clause = or_(clause, model.id == int(value))
    row = session.scalar(select(model).where(clause))
    return None if row is None else int(row.id)

"""Who lives together: staff link residents into a household and name its head (户主).

A household is known by its head: every member's `household_id` is the head's person id,
the head's included. Linking, moving the head and removing a member are staff actions
within their communities, each audited; the household's 救助链 (services/assistance/chain.py)
then covers every member.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.errors import NotFound, ValidationFailed
from models.person import Person
from services.access.audit import record_access
from services.access.checks import require_staff_for


def _resident(session: Session, actor: Person | None, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("没有找到这位居民。")
    if actor is not None:
        require_staff_for(actor, person.community_id)
    return person


def _audit(session: Session, actor: Person | None, person: Person, what: str,
           household_id: int | None) -> None:
    record_access(session, actor_id=actor.id if actor else None, action="change",
                  subject_type="household", subject_id=household_id, fields=["household_id"],
                  detail={"person_id": person.id, "what": what})


def household_members(session: Session, *, household_id: int) -> list[Person]:
    """Everyone in a household, head first."""
    people = list(session.scalars(select(Person).where(Person.household_id == household_id)
                                  .order_by(Person.id)))
    return sorted(people, key=lambda p: p.id != household_id)


def link_to_household(session: Session, *, actor: Person | None, head_id: int,
                      member_id: int) -> int:
    """Put `member_id` into the household of `head_id` (starting one if needed); return its id."""
    head = _resident(session, actor, head_id)
    member = _resident(session, actor, member_id)
    household_id = head.household_id or head.id
    if member.household_id == household_id:
        return household_id
    if member.household_id is not None and member.household_id == member.id and len(
            household_members(session, household_id=member.id)) > 1:
        raise ValidationFailed("这位是另一户的户主，请先给那一户换户主或移出成员。")
    head.household_id = household_id
    member.household_id = household_id
    session.flush()
    _audit(session, actor, member, "join", household_id)
    return household_id


def make_head(session: Session, *, actor: Person | None, person_id: int) -> int:
    """Name a member the head of their household; return the household's new id."""
    person = _resident(session, actor, person_id)
    if person.household_id is None:
        raise ValidationFailed("这位居民还没有登记家庭。")
    old = person.household_id
    if old == person.id:
        return old
    session.execute(update(Person).where(Person.household_id == old)
                    .values(household_id=person.id).execution_options(synchronize_session="fetch"))
    session.flush()
    _audit(session, actor, person, "head", person.id)
    return person.id


def remove_from_household(session: Session, *, actor: Person | None, person_id: int) -> None:
    """Take a person out of their household (a head first hands over to another member)."""
    person = _resident(session, actor, person_id)
    household_id = person.household_id
    if household_id is None:
        return
    others = [p for p in household_members(session, household_id=household_id)
              if p.id != person.id]
    if person.id == household_id and others:
        raise ValidationFailed("户主不能直接移出，请先把别人设为户主。")
    person.household_id = None
    if len(others) == 1 and others[0].id == household_id:
        others[0].household_id = None  # a household of one is no household
    session.flush()
    _audit(session, actor, person, "leave", household_id)

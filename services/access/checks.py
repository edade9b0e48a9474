"""Role and object checks shared by every service; they fail closed."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotAllowed
from models.person import Person, Proxy

STAFF_ROLES = ("staff", "supervisor", "duty")


def staff_communities(person: Person) -> set[int] | None:
    """Communities a staff member serves; None means every community (county-wide)."""
    scoped: set[int] = set()
    for role in person.roles:
        if role.role in STAFF_ROLES:
            if role.community_id is None:
                return None
            scoped.add(role.community_id)
    return scoped


def is_staff(person: Person) -> bool:
    """Tell whether a person holds a staff or supervisor role."""
    return any(r.role in STAFF_ROLES for r in person.roles)


def require_staff_for(person: Person, community_id: int | None = None) -> set[int] | None:
    """Refuse anyone but staff (of `community_id`, when given); return their communities."""
    if not is_staff(person):
        raise NotAllowed()
    communities = staff_communities(person)
    if community_id is not None and communities is not None and community_id not in communities:
        raise NotAllowed()
    return communities


def require_role(person: Person, role: str) -> None:
    """Refuse a person who does not hold `role`."""
    if role not in person.role_names():
        raise NotAllowed()


def can_act_for(session: Session, *, agent: Person, principal_id: int) -> bool:
    """Tell whether `agent` is the principal or holds an accepted proxy for them."""
    if agent.id == principal_id:
        return True
    proxy = session.scalar(
        select(Proxy.id).where(
            Proxy.principal_id == principal_id,
            Proxy.agent_id == agent.id,
            Proxy.status == "accepted",
        )
    )
    return proxy is not None


def require_act_for(session: Session, *, agent: Person, principal_id: int) -> None:
    """Refuse to act for someone without an accepted proxy."""
    if not can_act_for(session, agent=agent, principal_id=principal_id):
        raise NotAllowed("您还不能替这位老人办理，请先让老人同意代办。")

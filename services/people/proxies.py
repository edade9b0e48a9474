"""Proxies: a family member asks to act for an elderly person, who accepts or declines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from core import clock
from core.errors import InvalidTransition, NotFound, Unprocessable
from models.person import Person, Proxy
from services.messaging.notifications import enqueue_notification
from services.messaging.questions import Clue
from services.people.persons import find_person_by_phone

OPEN_STATUSES = ("invited", "accepted")


def invite_proxy(session: Session, *, agent: Person, phone: str, relation: str | None = None) -> Proxy:
    """Ask the person with this phone to let `agent` act for them; repeat invites are harmless."""
    principal = find_person_by_phone(session, phone=phone)
    if principal is None:
        raise NotFound("没有找到用这个手机号登记的老人，请让老人先登录小程序并绑定手机号。")
    if principal.id == agent.id:
        raise Unprocessable("不能邀请自己。")
    proxy = session.scalar(select(Proxy).where(Proxy.principal_id == principal.id,
                                               Proxy.agent_id == agent.id).with_for_update())
    if proxy is not None and proxy.status in OPEN_STATUSES:
        return proxy
    if proxy is None:
        proxy = Proxy(principal_id=principal.id, agent_id=agent.id)
        session.add(proxy)
    proxy.status, proxy.relation = "invited", relation
    proxy.created_at, proxy.decided_at = clock.now(), None
    session.flush()
    enqueue_notification(
        session, person_id=principal.id, template="proxy_invited",
        text=(f"{agent.masked_name or '一位用户'}想代您办理订餐、求助等事。"
              "在公众号回复：1 同意 2 不同意。也可以在小程序“我的”里确认。"),
        dedupe_key=f"proxy-invited:{proxy.id}:{proxy.created_at.timestamp():.0f}",
        payload={"proxy_id": proxy.id},
        facts={"who": agent.masked_name or "一位用户", "next": "回复：1 同意 2 不同意"},
    )
    return proxy


def _own_proxy(session: Session, *, person: Person, proxy_id: int, as_principal: bool) -> Proxy:
    proxy = session.get(Proxy, proxy_id, with_for_update=True)
    if proxy is None:
        raise NotFound()
    parties = (proxy.principal_id,) if as_principal else (proxy.principal_id, proxy.agent_id)
    if person.id not in parties:
        raise NotFound()
    return proxy


def _decide(session: Session, *, principal: Person, proxy_id: int, status: str) -> Proxy:
    proxy = _own_proxy(session, person=principal, proxy_id=proxy_id, as_principal=True)
    if proxy.status != "invited":
        raise InvalidTransition("这个代办邀请已经处理过了。")
    proxy.status, proxy.decided_at = status, clock.now()
    session.flush()
    word = "同意" if status == "accepted" else "婉拒"
    enqueue_notification(
        session, person_id=proxy.agent_id, template=f"proxy_{status}",
        text=f"{principal.masked_name or '老人'}已{word}您的代办邀请。",
        dedupe_key=f"proxy-{status}:{proxy.id}:{proxy.decided_at.timestamp():.0f}",
        payload={"proxy_id": proxy.id},
        facts={"who": principal.masked_name or "老人", "status": f"已{word}"},
    )
    return proxy


def accept_proxy(session: Session, *, principal: Person, proxy_id: int) -> Proxy:
    """Let the inviting family member act for the principal."""
    return _decide(session, principal=principal, proxy_id=proxy_id, status="accepted")


def decline_proxy(session: Session, *, principal: Person, proxy_id: int) -> Proxy:
    """Turn the invitation down."""
    return _decide(session, principal=principal, proxy_id=proxy_id, status="declined")


def revoke_proxy(session: Session, *, person: Person, proxy_id: int) -> Proxy:
    """End a proxy; either party may do it at any time."""
    proxy = _own_proxy(session, person=person, proxy_id=proxy_id, as_principal=False)
    if proxy.status not in OPEN_STATUSES:
        raise InvalidTransition("这个代办关系已经结束了。")
    proxy.status, proxy.decided_at = "revoked", clock.now()
    session.flush()
    return proxy


def list_proxies(session: Session, *, person: Person, limit: int = 100,
                 after_id: int | None = None) -> list[Proxy]:
    """Return the proxies a person gave or holds, oldest first."""
    stmt = select(Proxy).where(or_(Proxy.principal_id == person.id, Proxy.agent_id == person.id))
    if after_id is not None:
        stmt = stmt.where(Proxy.id > after_id)
    return list(session.scalars(stmt.order_by(Proxy.id).limit(limit)))


def list_principals(session: Session, *, agent: Person) -> list[tuple[Proxy, Person]]:
    """Return the people `agent` may act for (accepted proxies), oldest proxy first."""
    stmt = (select(Proxy, Person).join(Person, Person.id == Proxy.principal_id)
            .where(Proxy.agent_id == agent.id, Proxy.status == "accepted").order_by(Proxy.id))
    return [(proxy, person) for proxy, person in session.execute(stmt)]


def list_pending_invitations(session: Session, *,
                             principal: Person) -> list[tuple[Proxy, Person]]:
    """Return the invitations waiting for `principal` to decide, and who sent each, oldest first."""
    stmt = (select(Proxy, Person).join(Person, Person.id == Proxy.agent_id)
            .where(Proxy.principal_id == principal.id, Proxy.status == "invited")
            .order_by(Proxy.id))
    return [(proxy, person) for proxy, person in session.execute(stmt)]


def invitation_may_wait(*, principal_id: int, since: datetime) -> Clue:
    """Return a clue that holds when an invitation sent since `since` waits for `principal_id`."""
    return exists().where(Proxy.principal_id == principal_id, Proxy.status == "invited",
                          Proxy.created_at >= since)


def load_parties(session: Session, proxies: Iterable[Proxy]) -> dict[int, Person]:
    """Load both sides of the given proxies in one query."""
    ids = {i for p in proxies for i in (p.principal_id, p.agent_id)}
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}


def list_family_agents(session: Session, *, principal_id: int) -> list[int]:
    """Ids of the people holding an accepted proxy for a person, oldest first."""
    return list(session.scalars(select(Proxy.agent_id).where(
        Proxy.principal_id == principal_id, Proxy.status == "accepted").order_by(Proxy.id)))

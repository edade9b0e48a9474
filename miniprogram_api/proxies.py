"""Proxies: invite an elderly person by phone; they accept, decline or end it."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from core.uow import db
from core.validation import Body, reply
from miniprogram_api import bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from miniprogram_api.pagination import Page, PageQuery
from miniprogram_api.ratelimit import rate_limited
from models.person import Person, Proxy
from services.people import proxies


class InviteBody(Body):
    phone: str = Field(pattern=r"^1[0-9]{10}$", description="老人的手机号")
    relation: str | None = Field(None, min_length=1, max_length=16, description="如 子女、邻居")


class PersonBrief(BaseModel):
    """Someone other than the caller: name and phone masked."""

    id: int
    name: str
    phone: str


class ProxyOut(BaseModel):
    id: int
    status: Literal["invited", "accepted", "declined", "revoked"]
    relation: str | None
    my_side: Literal["principal", "agent"] = Field(description="principal：老人本人；agent：代办人")
    other: PersonBrief
    created_at: datetime
    decided_at: datetime | None


def brief(person: Person) -> PersonBrief:
    """Show another person with masked name and phone."""
    return PersonBrief(id=person.id, name=person.masked_name, phone=person.masked_phone)


def proxy_out(proxy: Proxy, me: Person, parties: dict[int, Person]) -> ProxyOut:
    """Serialise a proxy from the caller's side."""
    principal = proxy.principal_id == me.id
    other = parties[proxy.agent_id if principal else proxy.principal_id]
    return ProxyOut(id=proxy.id, status=proxy.status,  # type: ignore[arg-type]
                    relation=proxy.relation, my_side="principal" if principal else "agent",
                    other=brief(other), created_at=proxy.created_at, decided_at=proxy.decided_at)


def _one(proxy: Proxy, status: int = 200) -> Any:
    me = current_person()
    return reply(proxy_out(proxy, me, proxies.load_parties(db(), [proxy])), status)


@bp.post("/me/proxies")
@rate_limited("phone_lookup")
@login_required
@idempotent
@api_doc(summary="邀请老人同意由我代办", body=InviteBody, response=ProxyOut, status=201)
def invite_proxy(body: InviteBody) -> Any:
    """Invite the person with this phone to let the caller act for them."""
    proxy = proxies.invite_proxy(db(), agent=current_person(), phone=body.phone,
                                 relation=body.relation)
    return _one(proxy, 201)


@bp.get("/me/proxies")
@login_required
@api_doc(summary="我的代办关系", query=PageQuery, response=Page[ProxyOut])
def list_proxies(query: PageQuery) -> Any:
    """List the proxies the caller gave or holds."""
    me = current_person()
    found = proxies.list_proxies(db(), person=me, limit=query.limit + 1, after_id=query.cursor)
    parties = proxies.load_parties(db(), found)
    items = [proxy_out(p, me, parties) for p in found]
    more = len(items) > query.limit
    items = items[: query.limit]
    return reply(Page[ProxyOut](items=items, next_cursor=items[-1].id if more else None))


@bp.post("/me/proxies/<int:proxy_id>/accept")
@login_required
@api_doc(summary="老人同意代办", response=ProxyOut)
def accept_proxy(proxy_id: int) -> Any:
    """Accept an invitation to be acted for."""
    return _one(proxies.accept_proxy(db(), principal=current_person(), proxy_id=proxy_id))


@bp.post("/me/proxies/<int:proxy_id>/decline")
@login_required
@api_doc(summary="老人婉拒代办", response=ProxyOut)
def decline_proxy(proxy_id: int) -> Any:
    """Decline an invitation to be acted for."""
    return _one(proxies.decline_proxy(db(), principal=current_person(), proxy_id=proxy_id))


@bp.delete("/me/proxies/<int:proxy_id>")
@login_required
@api_doc(summary="结束代办关系（双方均可）", response=ProxyOut)
def revoke_proxy(proxy_id: int) -> Any:
    """End a proxy the caller is part of."""
    return _one(proxies.revoke_proxy(db(), person=current_person(), proxy_id=proxy_id))

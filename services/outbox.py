"""The outbox: claim due notifications, choose a channel, send, mark — each row once.

A claim is one short transaction: due rows become 'sending' with a
`claimed_until` lease and a claim token (`FOR UPDATE SKIP LOCKED` on
PostgreSQL; SQLite writes already start with BEGIN IMMEDIATE). Sending
happens outside any transaction; marking is another short transaction that
only succeeds while the claim token still matches. A dispatcher that dies
after sending leaves an expired claim, which the next dispatcher reclaims:
at most one duplicate per crash, never a lost message.

The channel ladder: a customer-service message inside the 48-hour window,
else a subscribe message when the person holds a credit, else a template
message, else 'waiting' until the person next writes to us.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from core.db import is_postgres
from core.wechat import WeChatClient, WeChatError, WeChatQuotaExceeded, WeChatTransientError
from core.wechat.errors import (
    NO_SUBSCRIBE_CREDIT,
    NOT_FOLLOWING,
    SERVICE_WINDOW_CLOSED,
    WeChatTokenError,
)
from models.messaging import Notification
from models.person import Person
from services import channels
from services.message_templates import channel_template, render_fields

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(seconds=120)
LEASE_SAFETY = timedelta(seconds=20)  # stop sending a batch this close to its lease end
MAX_ATTEMPTS = 6
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
QUOTA_DELAY = timedelta(minutes=10)


@dataclass
class Claim:
    """A claimed notification, carrying what is needed to send it after the claim commits."""

    id: int
    token: str
    until: datetime
    attempts: int
    person_id: int
    template: str
    text: str
    payload: dict[str, Any]
    due_at: datetime


Rung = tuple[str, str, Any]  # (channel, openid, what that channel needs)


@dataclass
class Outcome:
    """What happened to one claimed notification."""

    status: str  # sent | waiting | retry | dead | quota
    channel: str | None = None
    error: str | None = None
    effects: list[tuple[str, str | None]] = field(default_factory=list)


def claim_due_notifications(
    session: Session, *, now: datetime, limit: int = 100, lease: timedelta = CLAIM_LEASE
) -> list[Claim]:
    """Claim up to `limit` due notifications (and expired claims) for this dispatcher."""
    due = and_(Notification.status == "pending", Notification.due_at <= now,
               or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now))
    expired = and_(Notification.status == "sending", Notification.claimed_until < now)
    stmt = (select(Notification.id).where(or_(due, expired))
            .order_by(Notification.priority, Notification.due_at, Notification.id).limit(limit))
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    ids = list(session.scalars(stmt))
    if not ids:
        return []
    token, until = secrets.token_hex(8), now + lease
    session.execute(
        update(Notification).where(Notification.id.in_(ids))
        .values(status="sending", claimed_until=until, claim_token=token,
                attempts=Notification.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    rows = session.scalars(select(Notification).where(Notification.id.in_(ids))
                           .order_by(Notification.priority, Notification.due_at, Notification.id))
    return [Claim(id=r.id, token=token, until=until, attempts=r.attempts, person_id=r.person_id,
                  template=r.template, text=r.text, payload=dict(r.payload or {}),
                  due_at=r.due_at) for r in rows]


def plan_channels(session: Session, *, claim: Claim, now: datetime) -> list[Rung]:
    """List the channels open to this notification's person now, best first."""
    person = session.get(Person, claim.person_id)
    if person is None or not person.oa_openid:
        return []
    layout = channel_template(claim.template)
    fields = render_fields(layout, text=claim.text, payload=claim.payload, due_at=claim.due_at)
    openid = person.oa_openid
    rungs: list[Rung] = []
    if channels.service_window_open(session, person_id=person.id, now=now):
        rungs.append(("cs", openid, None))
    if layout.subscribe_id and channels.has_subscribe_credit(
        session, person_id=person.id, template_id=layout.subscribe_id
    ):
        rungs.append(("subscribe", openid, (layout.subscribe_id, fields, layout.page)))
    if layout.template_id:
        rungs.append(("template", openid, (layout.template_id, fields, None)))
    return rungs


def deliver(client: WeChatClient, claim: Claim, rungs: list[Rung]) -> Outcome:
    """Try each open channel in turn; fall through only when WeChat says it is closed."""
    effects: list[tuple[str, str | None]] = []
    for channel, openid, arg in rungs:
        try:
            _send(client, channel, openid, claim.text, arg)
        except WeChatQuotaExceeded as exc:
            return Outcome("quota", error=_describe(exc), effects=effects)
        except (WeChatTransientError, WeChatTokenError) as exc:
            return Outcome("retry", error=_describe(exc), effects=effects)
        except WeChatError as exc:
            if channel == "cs" and exc.errcode in SERVICE_WINDOW_CLOSED:
                effects.append(("close_window", None))
                continue
            if channel == "subscribe" and exc.errcode == NO_SUBSCRIBE_CREDIT:
                effects.append(("spend_credits", arg[0]))
                continue
            if channel == "template" and exc.errcode == NOT_FOLLOWING:
                break
            return Outcome("dead", error=_describe(exc), effects=effects)
        if channel == "cs":
            effects.append(("count_window", None))
        elif channel == "subscribe":
            effects.append(("consume_credit", arg[0]))
        return Outcome("sent", channel=channel, effects=effects)
    return Outcome("waiting", error="暂无可用渠道，等对方下次发消息", effects=effects)


def _send(client: WeChatClient, channel: str, openid: str, text: str, arg: Any) -> None:
    if channel == "cs":
        client.send_custom_text(openid, text)
    elif channel == "subscribe":
        template_id, data, page = arg
        client.send_subscribe(openid, template_id, data, page=page)
    else:
        template_id, data, url = arg
        client.send_template(openid, template_id, data, url=url)


def _describe(exc: WeChatError) -> str:
    return f"{exc.api} {exc.errcode} {exc.errmsg}"[:255]


def mark_outcome(session: Session, *, claim: Claim, outcome: Outcome, now: datetime) -> bool:
    """Record what happened, if this dispatcher still holds the claim; apply side effects."""
    values = _values_for(claim, outcome, now)
    done = session.execute(
        update(Notification)
        .where(Notification.id == claim.id, Notification.claim_token == claim.token,
               Notification.status == "sending")
        .values(claim_token=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        logger.warning("notification %s was reclaimed before it was marked", claim.id)
    for effect, arg in outcome.effects:
        _apply_effect(session, person_id=claim.person_id, effect=effect, arg=arg)
    return bool(done.rowcount)  # type: ignore[attr-defined]


def _values_for(claim: Claim, outcome: Outcome, now: datetime) -> dict[str, Any]:
    if outcome.status == "sent":
        return {"status": "sent", "channel": outcome.channel, "sent_at": now, "last_error": None}
    if outcome.status == "quota":
        return {"status": "pending", "next_attempt_at": now + QUOTA_DELAY,
                "attempts": Notification.attempts - 1, "last_error": outcome.error}
    if outcome.status == "retry" and claim.attempts < MAX_ATTEMPTS:
        delay = min(RETRY_BASE * 2 ** (claim.attempts - 1), RETRY_MAX)
        return {"status": "pending", "next_attempt_at": now + delay, "last_error": outcome.error}
    status = "waiting" if outcome.status == "waiting" else "dead"
    return {"status": status, "last_error": outcome.error}


def _apply_effect(session: Session, *, person_id: int, effect: str, arg: str | None) -> None:
    if effect == "count_window":
        channels.count_service_message(session, person_id=person_id)
    elif effect == "close_window":
        channels.close_service_window(session, person_id=person_id)
    elif effect == "consume_credit" and arg:
        channels.consume_subscribe_credit(session, person_id=person_id, template_id=arg)
    elif effect == "spend_credits" and arg:
        channels.spend_all_subscribe_credits(session, person_id=person_id, template_id=arg)


def release_claim(session: Session, *, claim: Claim) -> None:
    """Give back a claim this dispatcher will not send in time (no attempt counted)."""
    session.execute(
        update(Notification)
        .where(Notification.id == claim.id, Notification.claim_token == claim.token,
               Notification.status == "sending")
        .values(status="pending", claim_token=None, claimed_until=None,
                attempts=Notification.attempts - 1)
        .execution_options(synchronize_session=False)
    )


def release_waiting_notifications(session: Session, *, person_id: int) -> int:
    """Send a person's waiting notifications now that they wrote to us; return how many."""
    done = session.execute(
        update(Notification)
        .where(Notification.person_id == person_id, Notification.status == "waiting")
        .values(status="pending", next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(done.rowcount)  # type: ignore[attr-defined]

"""The outbox: claim due notifications, choose a channel, send, mark — each row once.

A claim is one short transaction: due rows become 'sending' with a
`claimed_until` lease and a claim token (`FOR UPDATE SKIP LOCKED` on
PostgreSQL; SQLite writes already start with BEGIN IMMEDIATE). Sending
happens outside any transaction; marking is another short transaction that
only succeeds while the claim token still matches. A dispatcher that dies
after sending leaves an expired claim, which the next dispatcher reclaims:
at most one duplicate per crash, never a lost message.

The channel ladder itself lives in `services.messaging.channel_ladder`.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from core import clock
from core.db import is_postgres
from models.messaging import Notification
from services.messaging import channels
from services.messaging.message_templates import is_stale
from services.messaging.outbox_hold import is_dispatch_held

logger = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(seconds=120)
LEASE_SAFETY = timedelta(seconds=20)  # stop sending a batch this close to its lease end
MAX_ATTEMPTS = 6
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
QUOTA_DELAY = timedelta(minutes=10)
# Windows before credits, so every dispatcher locks those rows in the same order.
EFFECT_ORDER = {"count_window": 0, "close_window": 0, "consume_credit": 1, "spend_credits": 1}


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
    """Claim up to `limit` due notifications (and expired claims) for this dispatcher.

    Nothing is claimed while an outbox hold is open (after a restore).
    """
    if is_dispatch_held(session):
        return []
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
                  template=r.template, text=r.text,
                  payload={**(r.payload or {}), **(r.facts or {})},
                  due_at=r.due_at) for r in rows]


def mark_outcome(session: Session, *, claim: Claim, outcome: Outcome, now: datetime) -> bool:
    """Record what happened, if this dispatcher still holds the claim; apply side effects."""
    return mark_outcomes(session, results=[(claim, outcome)], now=now) == 1


def mark_outcomes(session: Session, *, results: list[tuple[Claim, Outcome]], now: datetime) -> int:
    """Record a group of outcomes still under claim; return how many were marked.

    Rows and side effects are touched in a fixed order (notifications by id,
    then each person's window and credits by id) so that dispatchers marking
    at the same time never deadlock.
    """
    marked = 0
    for claim, outcome in sorted(results, key=lambda r: r[0].id):
        done = session.execute(
            update(Notification)
            .where(Notification.id == claim.id, Notification.claim_token == claim.token,
                   Notification.status == "sending")
            .values(claim_token=None, claimed_until=None, **_values_for(claim, outcome, now))
            .execution_options(synchronize_session=False)
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            logger.warning("notification %s was reclaimed before it was marked", claim.id)
        marked += int(done.rowcount)  # type: ignore[attr-defined]
    effects = [(EFFECT_ORDER[e], c.person_id, arg or "", e)
               for c, o in results for e, arg in o.effects]
    for _order, person_id, arg, effect in sorted(effects):
        _apply_effect(session, person_id=person_id, effect=effect, arg=arg)
    return marked


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
    """Send a person's waiting notifications now that they wrote to us; return how many.

    Reminders whose moment has passed (a meal yesterday) are cancelled instead.
    """
    now = clock.now()
    waiting = session.execute(
        select(Notification.id, Notification.template, Notification.due_at)
        .where(Notification.person_id == person_id, Notification.status == "waiting")
    ).all()
    stale = [nid for nid, template, due in waiting if is_stale(template, due, now=now)]
    fresh = [nid for nid, _template, _due in waiting if nid not in stale]
    for ids, status in ((stale, "cancelled"), (fresh, "pending")):
        if ids:
            session.execute(
                update(Notification).where(Notification.id.in_(ids),
                                           Notification.status == "waiting")
                .values(status=status, next_attempt_at=None)
                .execution_options(synchronize_session=False)
            )
    return len(fresh)

"""Answer one inbound message exactly once, within WeChat's time budget.

Order: claim the message in the store (or read the reply a copy gave) →
per-user lock → one unit of work that converses and logs the message under
its unique key (the final guard) → save dialogue state → remember the reply. Work runs on a small thread pool so
the request can answer `success` at the budget and let the reply go out
through the outbox as a customer-service message.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import dedupe
from bot.dialogue.state import DialogueState, load_state, save_state, user_lock_key
from bot.message import Inbound
from bot.reply import SUCCESS, text_reply
from bot.router import get_router
from bot.turn import Turn
from core import clock
from core.db import session_scope
from core.kv import KV, LockTimeout, get_kv, locked
from models.bot import InboundMessage
from models.person import Person
from services.channels import touch_interaction
from services.notifications import enqueue_notification
from services.outbox import release_waiting_notifications
from services.persons import get_or_create_person_by_oa_openid

logger = logging.getLogger(__name__)
BUDGET_SECONDS = 4.5
# A window that opened within the last minute needs no refresh (saves three writes).
TOUCH_EVERY = timedelta(seconds=60)
SORRY = "系统有点忙，请过一会儿再发一次。"


class Duplicate(Exception):
    """Another copy of this message already committed; carries the reply it gave."""

    def __init__(self, reply: str) -> None:
        super().__init__("duplicate message")
        self.reply = reply


class Ticket:
    """Decides, once, whether a reply goes back passively or through the outbox."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mode = "open"

    def _settle(self, mode: str) -> bool:
        with self._lock:
            if self._mode == "open":
                self._mode = mode
            return self._mode == mode

    def take_passive(self) -> bool:
        """Claim the passive reply; False when the request already gave up waiting."""
        return self._settle("passive")

    def abandon(self) -> bool:
        """Give up waiting; False when the reply is already on its way back passively."""
        return self._settle("outbox")


@cache
def _executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="wechat")


def answer_message(message: Inbound, *, budget: float | None = None) -> str:
    """Return the reply body for a message: reply XML, or `success`."""
    budget = BUDGET_SECONDS if budget is None else budget
    kv = get_kv()
    key = message.dedupe_key
    earlier = dedupe.claim(kv, key)
    if earlier == dedupe.PENDING:
        return dedupe.wait_for_reply(kv, key, wait=budget) or SUCCESS
    if earlier is not None:
        return earlier
    ticket = Ticket()
    future = _executor().submit(_answer_claimed, message, ticket, budget)
    try:
        return future.result(timeout=budget)
    except FutureTimeout:
        if ticket.abandon():
            logger.warning("reply over budget; sending it through the outbox")
            return SUCCESS
        return future.result()


def _answer_claimed(message: Inbound, ticket: Ticket, budget: float) -> str:
    kv = get_kv()
    key = message.dedupe_key
    try:
        with locked(kv, user_lock_key(message.openid), ttl=30.0, wait=budget):
            reply = _converse(kv, message, ticket)
    except Duplicate as duplicate:
        reply = duplicate.reply
    except LockTimeout:
        dedupe.release(kv, key)
        return SUCCESS
    except Exception:
        logger.exception("could not answer a %s message", message.msg_type)
        dedupe.release(kv, key)
        return _render(message, SORRY)
    dedupe.remember_reply(kv, key, reply)
    return reply


def _converse(kv: KV, message: Inbound, ticket: Ticket) -> str:
    now = clock.now()
    state, timed_out = load_state(kv, message.openid, now)
    was_idle = state.idle and timed_out is None
    try:
        with session_scope() as session:
            reply = _turn(session, kv, message, ticket, state, now, timed_out)
    except IntegrityError as exc:
        stored = _stored_reply(message.dedupe_key)
        if stored is None:
            raise
        raise Duplicate(stored) from exc
    if not (was_idle and state.idle):
        save_state(kv, message.openid, state, now)
    return reply


def _turn(session: Session, kv: KV, message: Inbound, ticket: Ticket, state: DialogueState,
          now: datetime, timed_out: str | None) -> str:
    """Converse, then log the message under its unique key in the same transaction.

    A concurrent copy blocks on that key until this one commits, then fails
    and rolls back everything it did: exactly one copy has side effects.
    """
    person = get_or_create_person_by_oa_openid(session, openid=message.openid)
    _note_interaction(session, person, now)
    turn = Turn(session, kv, message, person, now, state)
    text = get_router().route(turn, timed_out=timed_out)
    reply, mode = (_render(message, text) if text else SUCCESS), "passive"
    if not ticket.take_passive() and text:
        _send_later(session, person.id, message, text)
        reply, mode = SUCCESS, "outbox"
    session.add(InboundMessage(
        dedupe_key=message.dedupe_key, openid=message.openid, person_id=person.id,
        msg_type=message.msg_type, event=message.event or None,
        content=message.content or None, received_at=now, reply_xml=reply, reply_mode=mode,
    ))
    session.flush()
    return reply


def _note_interaction(session: Session, person: Person, now: datetime) -> None:
    """Open the 48-hour window and let waiting notifications go (at most once a minute)."""
    last = person.last_interaction_at
    if last is not None and timedelta(0) <= now - clock.as_aware(last) < TOUCH_EVERY:
        return
    touch_interaction(session, person_id=person.id, at=now)
    release_waiting_notifications(session, person_id=person.id)


def _stored_reply(key: str) -> str | None:
    with session_scope(readonly=True) as session:
        stmt = select(InboundMessage.reply_xml).where(InboundMessage.dedupe_key == key)
        row = session.execute(stmt).first()
        return None if row is None else (row[0] or SUCCESS)


def _send_later(session: Session, person_id: int, message: Inbound, text: str) -> None:
    enqueue_notification(
        session, person_id=person_id, template="cs_reply", text=text,
        dedupe_key=f"cs_reply:{message.dedupe_key}"[:191], payload={"openid": message.openid},
    )


def _render(message: Inbound, text: str) -> str:
    return text_reply(to_user=message.openid, from_user=message.account, content=text,
                      create_time=int(clock.now().timestamp()))

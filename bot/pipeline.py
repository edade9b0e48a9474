"""Answer one inbound message exactly once, within WeChat's time budget.

Order: open the turn in the store in one round trip (claim the message or
read the reply a copy gave, take the sender's lock, read the dialogue) →
one unit of work that converses → close the turn in one round trip (the
reply for later copies, the dialogue state, the lock). A turn that wrote to
the database logs the message under its unique key in the same transaction:
the final guard, so a copy can never repeat a side effect. Work runs on a
small thread pool so the request can answer `success` at the budget and let
the reply go out through the outbox as a customer-service message.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime
from functools import cache
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import dedupe, turnstore
from bot.dialogue.state import DialogueState, decode_state, encode_state
from bot.message import Inbound
from bot.reply import SUCCESS, text_reply
from bot.router import get_router
from bot.turn import Turn
from bot.turnstore import Opened
from core import clock, serving
from core.db import is_unavailable, session_scope, session_wrote
from core.kv import KV, LockTimeout, get_kv
from models.bot import InboundMessage
from services.channels import touch_interaction
from services.notifications import enqueue_notification
from services.outbox import release_waiting_notifications

logger = logging.getLogger(__name__)
BUDGET_SECONDS = 4.0  # of WeChat's 5 s: the rest covers the socket backlog and writing the reply in a rush
# WeChat retries 5 s after a message it got no answer to; a copy this late
# is checked against the database log in case the store lost its reply.
LATE_COPY_SECONDS = 3
SORRY = "系统有点忙，请过一会儿再发一次。"
# A message that waited this long before a thread took it answers `success` at once (a rush).
SHED_AFTER_QUEUED = 0.5
# A fresh turn waits this long for its sender's previous turn, then queues behind it.
BUSY_SENDER_WAIT = 0.5
# A turn on the later pool waits this long for a busy sender, then goes to the back of the line.
LATER_LOCK_WAIT = 0.05


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
    # At least one thread per request a worker serves: a turn waiting for the
    # sender's lock holds its thread, and fewer threads starve the others.
    return ThreadPoolExecutor(max_workers=8, thread_name_prefix="wechat")


@cache
def _later() -> ThreadPoolExecutor:
    """Turns whose request already answered `success`: in arrival order, on two threads.

    In a rush they wait here instead of taking the CPU from messages that can
    still get a passive reply; their replies go out through the outbox. A turn
    here whose sender is busy goes to the back of the line instead of holding
    one of the two threads.
    """
    return ThreadPoolExecutor(max_workers=2, thread_name_prefix="wechat-later")


def answer_message(message: Inbound, *, budget: float | None = None) -> str:
    """Return the reply body for a message: reply XML, or `success`.

    The budget counts from when the request reached the server: time it
    queued in gunicorn before a thread took it is already spent.
    """
    full = BUDGET_SECONDS if budget is None else budget
    queued = serving.waited()
    # A message that sat in gunicorn's queue this long means a rush: answer at once and
    # free the request thread, so the queue (and every later message's wait) shrinks.
    budget = 0.0 if queued > SHED_AFTER_QUEUED else max(0.0, full - queued)
    kv = get_kv()
    try:
        opened = turnstore.open_turn(kv, message)
    except Exception:  # the store is down: nothing can be claimed, so nothing is done
        logger.warning("shared store unreachable; asking the sender to try again", exc_info=True)
        return _render(message, SORRY)
    if opened.earlier == dedupe.PENDING:
        return dedupe.wait_for_reply(kv, message, wait=budget) or SUCCESS
    if opened.earlier is not None:
        return opened.earlier
    ticket = Ticket()
    if opened.lock_token is None and _later()._work_queue.qsize():
        budget = 0.0  # a busy sender in a rush: their previous turn is likely queued; line up behind it
    if budget <= 0 and ticket.abandon():
        _later().submit(_answer_claimed, message, opened, ticket, LATER_LOCK_WAIT)
        _note_shed()
        return SUCCESS
    # A busy sender is waited for briefly (their previous turn takes milliseconds unless
    # it is queued in a rush); then the turn queues behind it on the later pool and its
    # reply goes out through the outbox, instead of holding two threads for the budget.
    future = _executor().submit(_answer_claimed, message, opened, ticket,
                                min(budget, BUSY_SENDER_WAIT))
    try:
        return future.result(timeout=budget)
    except FutureTimeout:
        if ticket.abandon():
            logger.warning("reply over budget; sending it through the outbox")
            return SUCCESS
        return future.result()


_shed = {"since": 0.0, "count": 0}


def _note_shed() -> None:
    """One warning a minute in a rush, with the count, not one a message."""
    now = time.monotonic()
    _shed["count"] += 1
    if now - _shed["since"] >= 60:
        logger.warning("a rush: %d messages queued over %.1f s (or behind a queued sender) answered `success`",
                       _shed["count"], SHED_AFTER_QUEUED)
        _shed["since"], _shed["count"] = now, 0


def _answer_claimed(message: Inbound, opened: Opened, ticket: Ticket, budget: float) -> str:
    kv = get_kv()
    action, raw_state = turnstore.KEEP, None
    try:
        if opened.lock_token is None:
            opened = turnstore.wait_for_lock(kv, message, wait=budget)
        reply, action, raw_state = _converse(kv, message, ticket, opened)
    except Duplicate as duplicate:
        reply = duplicate.reply
    except LockTimeout:
        if ticket.abandon():  # nobody waits for a passive reply: queue behind the sender's turn
            _later().submit(_answer_claimed, message, opened, ticket, LATER_LOCK_WAIT)
            return SUCCESS
        _abandon(kv, message, opened)
        return SUCCESS
    except Exception as exc:
        if is_unavailable(exc):  # an outage: one line per message, not a traceback each
            logger.warning("database unavailable; asked the sender to try again")
        else:
            logger.exception("could not answer a %s message", message.msg_type)
        _abandon(kv, message, opened)
        return _render(message, SORRY)
    try:
        turnstore.close_turn(kv, message, opened, reply, action, raw_state)
    except Exception:  # committed already: the reply still goes back; the lock lapses in 30 s
        logger.warning("could not close a turn in the shared store", exc_info=True)
    return reply


def _abandon(kv: KV, message: Inbound, opened: Opened) -> None:
    try:
        turnstore.abandon(kv, message, opened)
    except Exception:  # the store is down too: its keys lapse on their own
        logger.warning("could not release a turn in the shared store", exc_info=True)


def _converse(kv: KV, message: Inbound, ticket: Ticket,
              opened: Opened) -> tuple[str, str, str | None]:
    """Answer in one unit of work; return the reply and what to do with the dialogue state."""
    now = clock.now()
    if _is_late_copy(message, now) and (stored := _stored_reply(message.dedupe_key)) is not None:
        raise Duplicate(stored)
    state, timed_out = decode_state(opened.raw_state, now)
    was_idle = state.idle and timed_out is None
    try:
        with session_scope() as session:
            reply = _turn(session, kv, message, ticket, state, now, timed_out,
                          touch=opened.first_in_a_minute)
    except IntegrityError as exc:
        stored = _stored_reply(message.dedupe_key)
        if stored is None:
            raise
        raise Duplicate(stored) from exc
    if was_idle and state.idle:
        return reply, turnstore.KEEP, None
    raw = encode_state(state, now)
    return reply, (turnstore.DROP if raw is None else turnstore.SAVE), raw


def _is_late_copy(message: Inbound, now: datetime) -> bool:
    try:
        return now.timestamp() - int(message.create_time) > LATE_COPY_SECONDS
    except ValueError:
        return False


# Built once; a plain INSERT, no unit of work.
_LOG_MESSAGE = insert(cast(Table, InboundMessage.__table__))


def _turn(session: Session, kv: KV, message: Inbound, ticket: Ticket, state: DialogueState,
          now: datetime, timed_out: str | None, *, touch: bool) -> str:
    """Converse; when that wrote anything, log the message under its unique key in the same transaction.

    A concurrent copy that also writes blocks on that key until this one
    commits, then fails and rolls back everything it did: exactly one copy
    has side effects. A turn that only read leaves nothing to guard.
    """
    turn = Turn(session, kv, message, now, state)
    if touch:
        _note_interaction(session, turn, now)
    text = get_router().route(turn, timed_out=timed_out)
    reply, mode = (_render(message, text) if text else SUCCESS), "passive"
    if not ticket.take_passive() and text:
        _send_later(session, turn.person.id, message, text)
        reply, mode = SUCCESS, "outbox"
    if session_wrote(session):
        session.flush()
        session.execute(_LOG_MESSAGE, dict(
            dedupe_key=message.dedupe_key, openid=message.openid, person_id=turn.person.id,
            msg_type=message.msg_type, event=message.event or None,
            content=message.content or None, received_at=now, reply_xml=reply, reply_mode=mode,
        ))
    return reply


def _note_interaction(session: Session, turn: Turn, now: datetime) -> None:
    """Open the 48-hour window and let waiting notifications go (the store lets this run once a minute)."""
    person = turn.person
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

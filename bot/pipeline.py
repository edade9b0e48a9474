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

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import dedupe, turnstore
from bot.dialogue_state import DialogueState, decode_state, encode_state
from bot.handlers import get_router
from bot.message import Inbound
from bot.reply import SUCCESS, text_reply
from bot.turn import Turn
from bot.turnstore import Opened
from core import clock, serving
from core.db import is_unavailable, session_scope, session_wrote
from core.kv import KV, LockTimeout, get_kv
from services.messaging.channels import touch_interaction
from services.messaging.inbound import (
    get_logged_reply,
    hold_inbound_message,
    list_held_messages,
    log_inbound_message,
    settle_held_message,
)
from services.messaging.notifications import enqueue_notification
from services.messaging.outbox import release_waiting_notifications

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
# A turn on the later pool starts only when no request waits for a thread, or after this long.
LATER_YIELDS_AT_MOST = 2.0
# A message held (logged before `success`) this long with no reply lost its turn with its worker:
# the recovery pass runs it. A customer-service message can go out up to 48 h after the message.
HELD_TOO_LONG = timedelta(seconds=60)
HELD_AT_MOST = timedelta(hours=47)
RECOVER_EVERY = 60.0


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
        self.held = False  # logged as held before `success`: the turn settles that row

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
        _put_off(message, opened, ticket)
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


def _put_off(message: Inbound, opened: Opened, ticket: Ticket) -> None:
    """Hold the message in the database, then queue its turn on the later pool.

    Held first, so a worker that stops with a backlog loses no turn its
    sender was told `success` for: the recovery pass runs it.
    """
    if not ticket.held:
        ticket.held = _hold(message)
    _later().submit(_answer_later, message, opened, ticket)


def _answer_later(message: Inbound, opened: Opened, ticket: Ticket) -> str:
    """A put-off turn: its sender was told `success`, so requests still waiting for a thread go first."""
    serving.yield_to_requests(at_most=LATER_YIELDS_AT_MOST)
    return _answer_claimed(message, opened, ticket, LATER_LOCK_WAIT)


def _hold(message: Inbound) -> bool:
    """Log the message as held with what its turn needs; False when it could not be (logged already)."""
    try:
        with session_scope() as session:
            hold_inbound_message(
                session, dedupe_key=message.dedupe_key, openid=message.openid,
                msg_type=message.msg_type, event=message.event or None,
                content=message.content or None, received_at=clock.now(),
                message=json.dumps(asdict(message), ensure_ascii=False))
        return True
    except IntegrityError:  # a copy was logged already: the turn finds its reply
        return False
    except Exception:  # the database is down: the turn still runs here, just not durably
        logger.warning("could not hold a message put off in a rush", exc_info=True)
        return False


def answer_held_messages(*, limit: int = 100) -> int:
    """Run the turns of messages held too long (their worker stopped); return how many ran.

    Each reply goes out through the outbox. Running one twice is harmless:
    a held message is settled by one conditional update, so a second run
    finds the reply logged (or rolls back) and sends nothing.
    """
    now = clock.now()
    with session_scope(readonly=True) as session:
        held = list_held_messages(session, received_before=now - HELD_TOO_LONG,
                                  received_after=now - HELD_AT_MOST, limit=limit)
    ran = 0
    kv = get_kv()
    for row in held:
        try:
            message = _inbound_from(row.message)
        except (ValueError, TypeError):  # not a message held by this code: leave it
            logger.warning("a held message could not be read back; left held")
            continue
        try:  # the stopped worker's lock on the sender lapses in turnstore.LOCK_TTL
            opened = turnstore.wait_for_lock(kv, message, wait=LATER_LOCK_WAIT)
        except LockTimeout:
            continue  # the sender is busy now: the next pass
        ticket = Ticket()
        ticket.abandon()
        ticket.held = True
        _answer_claimed(message, opened, ticket, 0.0)
        ran += 1
    return ran


def _inbound_from(held: str) -> Inbound:
    return Inbound(**json.loads(held))


def _recover_forever() -> None:
    while True:
        time.sleep(RECOVER_EVERY)
        if _later()._work_queue.qsize():  # a rush here: its own held turns are still queued
            continue
        try:
            if ran := answer_held_messages():
                logger.warning("ran %d held messages a stopped worker left behind", ran)
        except Exception:  # the next pass tries again
            logger.warning("could not run held messages", exc_info=True)


def start_recovery() -> threading.Thread:
    """Run held messages left by a stopped worker: every minute in this process (gunicorn.conf.py)."""
    thread = threading.Thread(target=_recover_forever, name="wechat-recover", daemon=True)
    thread.start()
    return thread


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
            _put_off(message, opened, ticket)
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
    if ticket.held:  # logged before `success` was answered: this run settles it, or another did
        if not settle_held_message(session, dedupe_key=message.dedupe_key, person_id=turn.person.id,
                                   reply_xml=reply, reply_mode=mode):
            raise Duplicate(_stored_reply(message.dedupe_key) or SUCCESS)
    elif session_wrote(session):
        log_inbound_message(
            session, dedupe_key=message.dedupe_key, openid=message.openid, person_id=turn.person.id,
            msg_type=message.msg_type, event=message.event or None,
            content=message.content or None, received_at=now, reply_xml=reply, reply_mode=mode,
        )
    return reply


def _note_interaction(session: Session, turn: Turn, now: datetime) -> None:
    """Open the 48-hour window and let waiting notifications go (the store lets this run once a minute)."""
    person = turn.person
    touch_interaction(session, person_id=person.id, at=now)
    release_waiting_notifications(session, person_id=person.id)


def _stored_reply(key: str) -> str | None:
    with session_scope(readonly=True) as session:
        reply = get_logged_reply(session, dedupe_key=key)
        return None if reply is None else (reply or SUCCESS)


def _send_later(session: Session, person_id: int, message: Inbound, text: str) -> None:
    enqueue_notification(
        session, person_id=person_id, template="cs_reply", text=text,
        dedupe_key=f"cs_reply:{message.dedupe_key}"[:191], payload={"openid": message.openid},
    )


def _render(message: Inbound, text: str) -> str:
    return text_reply(to_user=message.openid, from_user=message.account, content=text,
                      create_time=int(clock.now().timestamp()))

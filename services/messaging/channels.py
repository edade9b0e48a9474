"""Which WeChat channel may reach a person now: the 48-hour window and subscribe credits.

The bot calls `touch_interaction` on every inbound message and
`record_subscribe_credits` on subscribe-popup events; the outbox reads and
spends what they record. Conditional updates in the database keep the
counts right when several processes touch them at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock
from models.channels import ServiceWindow, SubscribeCredit
from models.person import Person

SERVICE_WINDOW = timedelta(hours=48)
# WeChat caps customer-service messages per window; 45047 is the final word.
SERVICE_WINDOW_LIMIT = 20


def touch_interaction(session: Session, *, person_id: int, at: datetime) -> None:
    """Record that the person just wrote to us: open a fresh 48-hour window."""
    person = session.get(Person, person_id)
    if person is None:
        return
    last = person.last_interaction_at
    if last is None or clock.as_aware(last) < at:
        person.last_interaction_at = at
    done = session.execute(
        update(ServiceWindow)
        .where(ServiceWindow.person_id == person_id)
        .values(opened_at=at, sent=0)
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        _insert_or_run(session, ServiceWindow(person_id=person_id, opened_at=at, sent=0),
                       lambda: touch_interaction(session, person_id=person_id, at=at))


def service_window_open(session: Session, *, person_id: int, now: datetime) -> bool:
    """Tell whether a customer-service message may reach the person now."""
    person = session.get(Person, person_id)
    if person is None or person.last_interaction_at is None:
        return False
    if clock.as_aware(person.last_interaction_at) + SERVICE_WINDOW <= now:
        return False
    sent = session.scalar(select(ServiceWindow.sent).where(ServiceWindow.person_id == person_id))
    return (sent or 0) < SERVICE_WINDOW_LIMIT


def count_service_message(session: Session, *, person_id: int) -> None:
    """Count one customer-service message against the person's window."""
    done = session.execute(
        update(ServiceWindow)
        .where(ServiceWindow.person_id == person_id)
        .values(sent=ServiceWindow.sent + 1)
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        _insert_or_run(
            session, ServiceWindow(person_id=person_id, opened_at=clock.now(), sent=1),
            lambda: count_service_message(session, person_id=person_id),
        )


def close_service_window(session: Session, *, person_id: int) -> None:
    """Mark the window used up (WeChat answered 45015 or 45047)."""
    session.execute(
        update(ServiceWindow)
        .where(ServiceWindow.person_id == person_id)
        .values(sent=SERVICE_WINDOW_LIMIT)
    )


def record_subscribe_credits(
    session: Session, *, person_id: int, template_ids: list[str], accepted: bool = True
) -> int:
    """Add one send per accepted subscribe template; return how many were added."""
    if not accepted:
        return 0
    for template_id in template_ids:
        _add_credit(session, person_id=person_id, template_id=template_id)
    return len(template_ids)


def _add_credit(session: Session, *, person_id: int, template_id: str) -> None:
    done = session.execute(
        update(SubscribeCredit)
        .where(SubscribeCredit.person_id == person_id, SubscribeCredit.template_id == template_id)
        .values(credits=SubscribeCredit.credits + 1, updated_at=clock.now())
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        row = SubscribeCredit(person_id=person_id, template_id=template_id, credits=1,
                              updated_at=clock.now())
        _insert_or_run(session, row,
                       lambda: _add_credit(session, person_id=person_id, template_id=template_id))


def has_subscribe_credit(session: Session, *, person_id: int, template_id: str) -> bool:
    """Tell whether the person granted at least one send of this template."""
    credits = session.scalar(
        select(SubscribeCredit.credits).where(
            SubscribeCredit.person_id == person_id, SubscribeCredit.template_id == template_id
        )
    )
    return bool(credits)


def consume_subscribe_credit(session: Session, *, person_id: int, template_id: str) -> bool:
    """Spend one send of this template; False when none was left."""
    done = session.execute(
        update(SubscribeCredit)
        .where(
            SubscribeCredit.person_id == person_id,
            SubscribeCredit.template_id == template_id,
            SubscribeCredit.credits > 0,
        )
        .values(credits=SubscribeCredit.credits - 1, updated_at=clock.now())
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def spend_all_subscribe_credits(session: Session, *, person_id: int, template_id: str) -> None:
    """Forget every credit of this template (WeChat answered 43101: none left)."""
    session.execute(
        update(SubscribeCredit)
        .where(SubscribeCredit.person_id == person_id, SubscribeCredit.template_id == template_id)
        .values(credits=0, updated_at=clock.now())
    )


def _insert_or_run(session: Session, row: object, on_conflict: Callable[[], None]) -> None:
    """Insert a row in a savepoint; if a racing writer inserted it first, run `on_conflict`."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        on_conflict()

"""The standing-order job: book each covered day before its cutoff, as an ordinary booking.

Each (order, day) is claimed by a `StandingOrderRun` row first (unique), so a
second run of the job, or a second scheduler, never books a day twice. The
booking is `book_meal` itself (same subsidy, capacity, delivery rules) made as
the person; a day it refuses (sold out, delivery no longer possible …) is
recorded and told to the person, whoever set the order up, and the
community's staff through the outbox.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.clock import LOCAL_TZ
from core.errors import LinliError
from models.meals import MealBooking
from models.person import Person
from models.standing import StandingOrder, StandingOrderRun
from services.help_requests.events import community_staff_ids, notify_people
from services.meals import canteens as rules
from services.meals.bookings import book_meal, find_active_booking
from services.meals.errors import AlreadyBooked, SoldOut
from services.meals.standing import skip_reason, wanted
from services.meals.wording import day_text, meal_text
from services.messaging.notifications import enqueue_notification

logger = logging.getLogger(__name__)

LEAD_DAYS = 1  # book today's and tomorrow's meals: cancellable one by one until their cutoff


def book_standing_orders(session: Session, *, now: datetime) -> dict[str, int]:
    """Book every active standing order's days from today to tomorrow; return counts by outcome."""
    today = now.astimezone(LOCAL_TZ).date()
    counts: dict[str, int] = {}
    stmt = select(StandingOrder).where(StandingOrder.status == "active").order_by(StandingOrder.id)
    for order in session.scalars(stmt).all():
        for offset in range(LEAD_DAYS + 1):
            outcome = _book_day(session, order, today + timedelta(days=offset), now=now)
            if outcome is not None:
                counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _book_day(session: Session, order: StandingOrder, day: date, *, now: datetime) -> str | None:
    """Handle one covered day once; return its outcome, or None when there is nothing to do."""
    served = rules.meal_of(order.canteen, order.meal)
    if served is None or not wanted(order, day) or skip_reason(order, order.canteen, day):
        return None
    if _claimed(session, order.id, day):
        return None
    cutoff = rules.cutoff_at(served, day)
    if now >= cutoff:
        if order.updated_at >= cutoff:  # set up or resumed after the day closed: nothing promised
            return None
        return _record(session, order, day, "missed", f"{_what(order, day)}订餐已截止，没能自动订上。")
    run = _claim(session, order.id, day)
    if run is None:
        return None
    try:
        with session.begin_nested():
            booking = _book(session, order, day)
    except AlreadyBooked:
        run.outcome = "already_booked"
    except SoldOut as error:
        _refused(session, order, run, "sold_out", error.message)
    except LinliError as error:
        _refused(session, order, run, "refused", error.message)
    else:
        run.booking_id = booking.id
    session.flush()
    return run.outcome


def _claimed(session: Session, order_id: int, day: date) -> bool:
    stmt = select(StandingOrderRun.id).where(StandingOrderRun.standing_order_id == order_id,
                                             StandingOrderRun.day == day)
    return session.scalar(stmt) is not None


def _claim(session: Session, order_id: int, day: date) -> StandingOrderRun | None:
    """Insert the day's run row; None when another run claimed it first."""
    from core import clock

    run = StandingOrderRun(standing_order_id=order_id, day=day, outcome="booked",
                           created_at=clock.now())
    try:
        with session.begin_nested():
            session.add(run)
            session.flush()
    except IntegrityError:
        return None
    return run


def _book(session: Session, order: StandingOrder, day: date) -> MealBooking:
    person = session.get(Person, order.person_id)
    assert person is not None
    if find_active_booking(session, person_id=person.id, day=day, meal=order.meal) is not None:
        raise AlreadyBooked()  # booked by hand, perhaps at another canteen: one lunch is enough
    channel = "chat" if order.channel == "chat" else "miniprogram"
    return book_meal(session, actor=person, person_id=order.person_id, canteen_id=order.canteen_id,
                     day=day, meal=order.meal, count=order.count, delivery=order.delivery,
                     channel=channel, standing_order_id=order.id)


def _what(order: StandingOrder, day: date) -> str:
    return f"长期订餐：{day_text(day)}{meal_text(order.meal)}"


def _record(session: Session, order: StandingOrder, day: date, outcome: str, message: str) -> str:
    run = _claim(session, order.id, day)
    if run is None:
        return outcome
    _refused(session, order, run, outcome, message)
    session.flush()
    return outcome


def _refused(session: Session, order: StandingOrder, run: StandingOrderRun, outcome: str,
             message: str) -> None:
    """Record why a day was not booked and tell the person, who set it up, and the staff."""
    run.outcome, run.message = outcome, message[:256]
    day = run.day
    phone = order.canteen.phone
    call = f"有事请打助餐点电话：{phone}。" if phone else "有事请回复“转人工”。"
    head = f"{_what(order, day)}（{order.canteen.name}）没有订上。"
    text = f"{head}\n{message}\n其他日子照常订。{call}"
    # The person, and the family member who set it up (staff hear below, as staff).
    told = (order.person_id,) if order.channel == "console" else (order.person_id, order.created_by_id)
    for person_id in dict.fromkeys(told):
        enqueue_notification(session, person_id=person_id, template="standing_order_missed",
                             text=text, dedupe_key=f"standing-run:{run.standing_order_id}:{day}:to:{person_id}",
                             payload={"standing_order_id": order.id, "day": day.isoformat()},
                             facts={"meal": f"{day_text(day)}{meal_text(order.meal)}",
                                    "canteen": order.canteen.name, "what": message[:60],
                                    "next": f"其他日子照常订，有事打{phone}" if phone
                                    else "其他日子照常订，有事回复转人工"})
    person = session.get(Person, order.person_id)
    if person is None:
        return
    why = {"sold_out": "已订满", "missed": "未赶上截止时间"}.get(outcome, "被拒绝")
    staff_text = (f"{person.masked_name}的长期订餐{day_text(day)}{meal_text(order.meal)}"
                  f"没订上（{why}，{order.canteen.name}），请联系老人安排。")
    notify_people(session, person_ids=community_staff_ids(session, community_id=person.community_id),
                  template="standing_order_missed_staff", text=staff_text,
                  dedupe_prefix=f"standing-run:{run.standing_order_id}:{day}:staff",
                  payload={"standing_order_id": order.id, "person_id": person.id,
                           "day": day.isoformat()},
                  facts={"who": person.masked_name, "meal": f"{day_text(day)}{meal_text(order.meal)}",
                         "canteen": order.canteen.name, "what": why,
                         "next": "请联系老人安排"})
    logger.info("standing order %s: %s on %s", order.id, outcome, day)

"""Standing orders (长期订餐): set up, change, pause, resume and end the meal eaten every week.

The days an order covers and its read-back are in `standing_plan` (re-exported
here); the job in `services.meals.standing_job` books them through `book_meal`
like any other booking. Who may touch one: the person, a family member with an accepted proxy
(services/people/proxies.py), or staff of the person's community (the console).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core import clock
from core.errors import (
    Conflict,
    ErrorCode,
    InvalidTransition,
    NotAllowed,
    NotFound,
    ValidationFailed,
)
from models.meals import MEALS, Canteen, MealBooking
from models.person import Person
from models.standing import STANDING_CHANNELS, StandingOrder, StandingOrderRun
from services.access.checks import can_act_for, is_staff, require_staff_for
from services.meals import canteens as rules
from services.meals.bookings import BOOK_AHEAD_DAYS, MAX_PORTIONS, cancel_meal_booking
from services.meals.errors import CanteenClosed, NotRegistered
from services.meals.standing_plan import (
    PlannedDay,
    dates_text,
    days_text,
    describe_standing_order,
    first_covered,
    first_day,
    normal_days,
    plan_days,
    skip_reason,
    valid_days,
    wanted,
)
from services.meals.wording import day_text, meal_text
from services.messaging.notifications import enqueue_notification

__all__ = [
    "MAX_PAUSE_DAYS", "PlannedDay", "Released", "StandingOrderExists", "change_standing_order",
    "create_standing_order", "dates_text", "days_text", "describe_standing_order", "end_standing_order",
    "first_covered", "first_day", "get_standing_order", "list_standing_orders", "normal_days",
    "pause_standing_order", "plan_days", "released_text", "resume_standing_order", "skip_reason",
    "valid_days", "wanted",
]

MAX_PAUSE_DAYS = 62


class StandingOrderExists(Conflict):
    error = ErrorCode.STANDING_ORDER_EXISTS


def _person_or_404(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id) if rules.valid_id(person_id) else None
    if person is None:
        raise NotFound()
    return person


def _may_manage(session: Session, *, actor: Person, person: Person) -> bool:
    if can_act_for(session, agent=actor, principal_id=person.id):
        return True
    if not is_staff(actor):
        return False
    communities = require_staff_for(actor)
    return communities is None or person.community_id in communities


def _require_manage(session: Session, *, actor: Person, person_id: int) -> Person:
    person = _person_or_404(session, person_id)
    if not _may_manage(session, actor=actor, person=person):
        if is_staff(actor):
            raise NotFound("没有找到这位老人。")
        raise NotAllowed("您还不能替这位老人办理，请先让老人同意代办。")
    return person


def _check_terms(session: Session, *, person: Person, canteen_id: int, meal: str, days: str,
                 count: int, delivery: bool) -> Canteen:
    if meal not in MEALS:
        raise ValidationFailed("请选择早餐、午餐或晚餐。")
    if not valid_days(days):
        raise ValidationFailed("请说哪几天：每天、工作日，或每周几。")
    if not 1 <= count <= MAX_PORTIONS:
        raise ValidationFailed(f"每次可订1到{MAX_PORTIONS}份。")
    if not person.name or person.birth_date is None:
        raise NotRegistered()
    canteen = rules.get_canteen(session, canteen_id=canteen_id)
    if rules.meal_of(canteen, meal) is None:
        rules.require_open(canteen, day=clock.today(), meal=meal)  # says what it serves
    if days not in ("daily", "workdays") and not set(days) & set(canteen.open_weekdays):
        raise CanteenClosed(f"{canteen.name}在{days_text(days)}都不营业，请换几天或换助餐点。")
    if delivery:
        rules.require_delivery_to(canteen, person=person)
    return canteen


def create_standing_order(session: Session, *, actor: Person, person_id: int, canteen_id: int,
                          meal: str, days: str, count: int = 1, delivery: bool = False,
                          starts_on: date | None = None, note: str | None = None,
                          channel: str = "chat") -> StandingOrder:
    """Set up a standing order for a person (by them, their proxy, or their community's staff)."""
    if channel not in STANDING_CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    person = _require_manage(session, actor=actor, person_id=person_id)
    days = normal_days(days) if valid_days(days) else days
    canteen = _check_terms(session, person=person, canteen_id=canteen_id, meal=meal, days=days,
                           count=count, delivery=delivery)
    start = starts_on or first_day(canteen, meal)
    if not clock.today() <= start <= clock.today() + timedelta(days=BOOK_AHEAD_DAYS):
        raise ValidationFailed(f"开始日期请选今天起{BOOK_AHEAD_DAYS}天以内的日子。")
    if _active_for(session, person_id=person.id, meal=meal) is not None:
        raise StandingOrderExists(f"已经有长期订{meal_text(meal)}了。要改，请先停掉原来的再订。")
    order = StandingOrder(person_id=person.id, canteen_id=canteen.id, meal=meal, days=days,
                          count=count, delivery=delivery, starts_on=start, status="active",
                          note=(note or None), created_by_id=actor.id, channel=channel)
    order.canteen = canteen
    session.add(order)
    session.flush()
    _tell_person(session, actor, order, "为您设了长期订餐：\n" + describe_standing_order(order))
    return order


def _active_for(session: Session, *, person_id: int, meal: str) -> StandingOrder | None:
    stmt = select(StandingOrder).where(StandingOrder.person_id == person_id,
                                       StandingOrder.meal == meal, StandingOrder.status == "active")
    return session.scalar(stmt)


def _tell_person(session: Session, actor: Person, order: StandingOrder, what: str) -> None:
    """Let the elder know when someone else (family, staff) changed their standing order."""
    if actor.id == order.person_id:
        return
    who = actor.masked_name or "工作人员"
    enqueue_notification(session, person_id=order.person_id, template="standing_order",
                         text=f"{who}{what}",
                         dedupe_key=f"standing:{order.id}:{order.updated_at.timestamp():.0f}:{what[:8]}",
                         payload={"standing_order_id": order.id},
                         facts={"who": who, "what": what[:60], "canteen": order.canteen.name})


def get_standing_order(session: Session, *, actor: Person, order_id: int) -> StandingOrder:
    """Return a standing order the actor may see, or NotFound."""
    order = session.get(StandingOrder, order_id, with_for_update=True) if rules.valid_id(order_id) else None
    if order is None:
        raise NotFound("没有找到这个长期订餐。")
    person = session.get(Person, order.person_id)
    if person is None or not _may_manage(session, actor=actor, person=person):
        raise NotFound("没有找到这个长期订餐。")
    return order


def list_standing_orders(session: Session, *, actor: Person, person_id: int | None = None,
                         include_ended: bool = False) -> list[StandingOrder]:
    """Return a person's standing orders (active first, then by meal)."""
    person = _require_manage(session, actor=actor, person_id=person_id or actor.id)
    stmt = select(StandingOrder).where(StandingOrder.person_id == person.id)
    if not include_ended:
        stmt = stmt.where(StandingOrder.status == "active")
    rows = session.scalars(stmt.order_by(StandingOrder.id))
    return sorted(rows, key=lambda o: (o.status != "active", MEALS.index(o.meal), -o.id))


def change_standing_order(session: Session, *, actor: Person, order_id: int,
                          days: str | None = None, count: int | None = None,
                          delivery: bool | None = None, note: str | None = None) -> StandingOrder:
    """Change the days, portions, delivery or note of an active order; from the next booking on."""
    order = _active(session, actor=actor, order_id=order_id)
    person = _person_or_404(session, order.person_id)
    new_days = order.days if days is None else (normal_days(days) if valid_days(days) else days)
    _check_terms(session, person=person, canteen_id=order.canteen_id, meal=order.meal,
                 days=new_days, count=order.count if count is None else count,
                 delivery=order.delivery if delivery is None else delivery)
    order.days = new_days
    order.count = order.count if count is None else count
    order.delivery = order.delivery if delivery is None else delivery
    if note is not None:
        order.note = note or None
    session.flush()
    _tell_person(session, actor, order, "改了您的长期订餐：\n" + describe_standing_order(order))
    return order


def _active(session: Session, *, actor: Person, order_id: int) -> StandingOrder:
    order = get_standing_order(session, actor=actor, order_id=order_id)
    if order.status != "active":
        raise InvalidTransition("这个长期订餐已经停了。")
    return order


@dataclass(frozen=True)
class Released:
    """What a pause or an end did to bookings already made: cancelled, and too late to cancel."""

    cancelled: list[date]
    kept: list[date]


def _release_bookings(session: Session, *, actor: Person, order: StandingOrder, first: date,
                      last: date | None) -> Released:
    """Cancel the order's bookings in [first, last] still before their cutoff; say which stay."""
    stmt = select(MealBooking).where(MealBooking.standing_order_id == order.id,
                                     MealBooking.status == "booked", MealBooking.day >= first)
    if last is not None:
        stmt = stmt.where(MealBooking.day <= last)
    cancelled, kept = [], []
    for booking in session.scalars(stmt.order_by(MealBooking.day)).all():
        served = rules.meal_of(order.canteen, booking.meal)
        if served is not None and clock.now() >= rules.cutoff_at(served, booking.day):
            kept.append(booking.day)
            continue
        cancel_meal_booking(session, actor=_booker(session, booking, actor), booking_id=booking.id)
        # The day may be booked again if the order is resumed before its cutoff.
        session.execute(delete(StandingOrderRun).where(
            StandingOrderRun.standing_order_id == order.id, StandingOrderRun.day == booking.day))
        cancelled.append(booking.day)
    return Released(cancelled, kept)


def _booker(session: Session, booking: MealBooking, actor: Person) -> Person:
    """Cancel as the actor when they may act for the person, else as the person (staff in the console)."""
    if can_act_for(session, agent=actor, principal_id=booking.person_id):
        return actor
    return _person_or_404(session, booking.person_id)


def pause_standing_order(session: Session, *, actor: Person, order_id: int, from_day: date,
                         to_day: date) -> tuple[StandingOrder, Released]:
    """Pause an order over a span of days; bookings already made in it are cancelled if still allowed."""
    order = _active(session, actor=actor, order_id=order_id)
    if to_day < from_day:
        raise ValidationFailed("暂停的结束日期不能早于开始日期。")
    if from_day < clock.today():
        raise ValidationFailed("暂停要从今天或以后开始。")
    if (to_day - from_day).days >= MAX_PAUSE_DAYS:
        raise ValidationFailed(f"一次最多暂停{MAX_PAUSE_DAYS}天。不再需要的话，可以停掉长期订餐。")
    order.paused_from, order.paused_until = from_day, to_day
    session.flush()
    released = _release_bookings(session, actor=actor, order=order, first=from_day, last=to_day)
    _tell_person(session, actor, order, f"把您的长期订餐暂停了：{day_text(from_day)}到{day_text(to_day)}。")
    return order, released


def resume_standing_order(session: Session, *, actor: Person, order_id: int) -> StandingOrder:
    """End a pause now: the order books again from the next day still open for orders."""
    order = _active(session, actor=actor, order_id=order_id)
    if order.paused_from is None:
        raise InvalidTransition("这个长期订餐没有暂停，不用恢复。")
    order.paused_from = order.paused_until = None
    session.flush()
    _tell_person(session, actor, order, "恢复了您的长期订餐：\n" + describe_standing_order(order))
    return order


def end_standing_order(session: Session, *, actor: Person, order_id: int) -> tuple[StandingOrder, Released]:
    """End an order for good; its future bookings are cancelled where still allowed."""
    order = _active(session, actor=actor, order_id=order_id)
    order.status, order.ended_at, order.ended_by_id = "ended", clock.now(), actor.id
    session.flush()
    released = _release_bookings(session, actor=actor, order=order, first=clock.today(), last=None)
    _tell_person(session, actor, order,
                 f"停掉了您的长期订餐（{days_text(order.days)}{meal_text(order.meal)}）。")
    return order, released


def released_text(released: Released, meal: str) -> str:
    """Say which booked days were cancelled and which were too late to cancel."""
    lines = []
    if released.cancelled:
        lines.append(f"已取消：{dates_text(released.cancelled)}的{meal_text(meal)}。")
    if released.kept:
        lines.append(f"{dates_text(released.kept)}的{meal_text(meal)}已过取消时间，仍会照常准备。")
    return "\n".join(lines)

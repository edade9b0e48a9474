"""Quote, book and cancel meals; a seat is taken by a conditional update, never oversold."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import false, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, joinedload

from core import clock
from core.db import is_postgres
from core.errors import InvalidTransition, NotFound, ValidationFailed
from models.meals import (
    ACTIVE,
    CHANNELS,
    MEALS,
    Canteen,
    CanteenMeal,
    MealBooking,
    MealSlot,
    SubsidyRule,
)
from models.person import Person
from services.access.checks import can_act_for, require_act_for
from services.funds.ledger import FundEmpty, draw_meal_subsidy, refund_meal_subsidy
from services.meals import canteens as rules
from services.meals.errors import AlreadyBooked, NotRegistered, SoldOut
from services.meals.subsidies import Pricing, QuoteLine, subsidy_for
from services.meals.wording import day_text, meal_text, yuan
from services.messaging.notifications import enqueue_notification

logger = logging.getLogger(__name__)

BOOK_AHEAD_DAYS = 14
ACTIVE_KEYS = ["person_id", "canteen_id", "day", "meal"]  # the active-booking index
MAX_PORTIONS = 5


def _slot_where(canteen_meal: CanteenMeal, day: date) -> tuple[Any, ...]:
    return (MealSlot.canteen_id == canteen_meal.canteen_id, MealSlot.day == day,
            MealSlot.meal == canteen_meal.meal)


@dataclass(frozen=True)
class Quote:
    """What a meal costs, what the subsidy covers, what is left to pay, and why."""

    person_id: int
    canteen_id: int
    day: date
    meal: str
    count: int
    delivery: bool
    price_fen: int
    subsidy_fen: int
    payable_fen: int
    reason: str
    lines: list[QuoteLine]
    rule_id: int | None
    tier: str | None
    seats_left: int
    rule: SubsidyRule | None = None  # the rule itself, so a read-back need not read the rules again


def _breakdown(pricing: Pricing) -> dict[str, Any]:
    """The price lines, the rule, and the fund that pays the subsidy (None: no fund posting)."""
    rule = pricing.rule
    fund_id = rule.fund_id if rule is not None and pricing.subsidy_fen else None
    return {"lines": [line.to_dict() for line in pricing.lines],
            "rule_id": rule.id if rule else None, "fund_id": fund_id}


def _paid_by_fund(booking: MealBooking) -> bool:
    """Tell whether a fund may have paid the booking's subsidy (unknown for older bookings)."""
    said = booking.breakdown
    return booking.subsidy_fen > 0 and ("fund_id" not in said or said["fund_id"] is not None)


@dataclass(frozen=True)
class _Checked:
    person: Person
    canteen: Canteen
    canteen_meal: CanteenMeal
    delivery_fee_fen: int


def _check(session: Session, *, actor: Person, person_id: int, canteen_id: int, day: date,
           meal: str, count: int, delivery: bool, lock_person: bool = False) -> _Checked:
    if not rules.valid_id(person_id):
        raise NotFound()
    require_act_for(session, agent=actor, principal_id=person_id)
    if meal not in MEALS:
        raise ValidationFailed("请选择早餐、午餐或晚餐。")
    if not 1 <= count <= MAX_PORTIONS:
        raise ValidationFailed(f"每次可订1到{MAX_PORTIONS}份。")
    if day > clock.today() + timedelta(days=BOOK_AHEAD_DAYS):
        raise ValidationFailed(f"只能预订{BOOK_AHEAD_DAYS}天以内的餐。")
    if day < clock.today():
        raise ValidationFailed("这一天已经过去了，请选今天或以后的日子。")
    if lock_person:  # serialises one person's bookings so the monthly cap holds
        person, found = _lock_person_reading_canteen(session, actor=actor, person_id=person_id,
                                                     canteen_id=canteen_id)
    else:
        person, found = session.get(Person, person_id), _canteen(session, canteen_id)
    if person is None:
        raise NotFound()
    if not person.name or person.birth_date is None:
        raise NotRegistered()
    canteen = rules.require_taking_orders(found)
    served = rules.require_open(canteen, day=day, meal=meal)
    rules.require_before_cutoff(served, day=day)
    fee = rules.require_delivery_to(canteen, person=person) if delivery else 0
    return _Checked(person, canteen, served, fee)


def _canteen(session: Session, canteen_id: int) -> Canteen | None:
    return rules.canteen_with_meals(session, canteen_id) if rules.valid_id(canteen_id) else None


def _lock_person_reading_canteen(session: Session, *, actor: Person, person_id: int,
                                 canteen_id: int) -> tuple[Person | None, Canteen | None]:
    """Lock the person's row until the transaction ends, and read the canteen, in one statement.

    The lock serialises one person's bookings, so two at once cannot both take the
    last of this month's subsidy cap. It must be held before the month's subsidy
    is summed; a statement sees what was committed when it began (before a wait
    for the lock), so the sum is read by a later statement, never by this one.
    The canteen can ride along: what it says does not hang on the person's other
    bookings. The person's own columns are read after the lock (PostgreSQL
    returns the newest version of a row it waited for); a sender already in
    hand is locked without reading their columns again.
    """
    in_hand = actor.id == person_id and actor in session
    on = Canteen.id == canteen_id if rules.valid_id(canteen_id) else false()
    who: Any = Person.id if in_hand else Person
    stmt = (select(who, Canteen).join_from(Person, Canteen, on, isouter=True)
            .options(rules.WITH_MEALS).where(Person.id == person_id)
            .with_for_update(key_share=True, of=Person))
    row = session.execute(stmt).unique().first()
    if row is None:
        return None, None
    return (actor if in_hand else row[0]), row[1]


def _price(session: Session, checked: _Checked, *, actor: Person, day: date,
           count: int, skip_rule_ids: frozenset[int] = frozenset()) -> Pricing:
    subject = "您" if actor.id == checked.person.id else "老人"
    return subsidy_for(session, person=checked.person, day=day, subject=subject,
                       unit_price_fen=checked.canteen_meal.price_fen, count=count,
                       delivery_fee_fen=checked.delivery_fee_fen, skip_rule_ids=skip_rule_ids)


def _set_pricing(booking: MealBooking, pricing: Pricing) -> None:
    rule_id = pricing.rule.id if pricing.rule else None
    booking.price_fen, booking.subsidy_fen = pricing.price_fen, pricing.subsidy_fen
    booking.payable_fen, booking.subsidy_rule_id = pricing.payable_fen, rule_id
    booking.reason, booking.breakdown = pricing.reason, _breakdown(pricing)


def _draw_from_fund(session: Session, checked: _Checked, booking: MealBooking, pricing: Pricing,
                    *, actor: Person) -> None:
    """Pay a fund-backed subsidy from its fund; if another booking took the last of it first,
    price again without that rule (the next rule applies) and try the next fund, if any."""
    skipped: frozenset[int] = frozenset()
    while pricing.rule is not None and pricing.rule.fund_id is not None and pricing.subsidy_fen:
        try:
            draw_meal_subsidy(session, booking=booking, fund_id=pricing.rule.fund_id)
            return
        except FundEmpty:
            skipped = skipped | {pricing.rule.id}
            # Out of this month's count before repricing: its own subsidy is not "used" yet.
            booking.subsidy_fen, booking.payable_fen = 0, booking.price_fen
            session.flush()
            pricing = _price(session, checked, actor=actor, day=booking.day, count=booking.count,
                             skip_rule_ids=skipped)
            _set_pricing(booking, pricing)
            session.flush()


def _quote(session: Session, checked: _Checked, *, actor: Person, day: date, count: int,
           delivery: bool) -> Quote:
    person, served = checked.person, checked.canteen_meal
    pricing = _price(session, checked, actor=actor, day=day, count=count)
    return Quote(
        person_id=person.id, canteen_id=checked.canteen.id, day=day, meal=served.meal,
        count=count, delivery=delivery, price_fen=pricing.price_fen,
        subsidy_fen=pricing.subsidy_fen, payable_fen=pricing.payable_fen, reason=pricing.reason,
        lines=pricing.lines, rule_id=pricing.rule.id if pricing.rule else None,
        tier=person.verified_tier_on(day), seats_left=seats_left(session, served, day),
        rule=pricing.rule,
    )


def seats_left(session: Session, canteen_meal: CanteenMeal, day: date) -> int:
    """Return how many portions of a meal on a day can still be booked."""
    slot = session.scalar(select(MealSlot).where(*_slot_where(canteen_meal, day)))
    return canteen_meal.capacity if slot is None else slot.capacity - slot.booked


def quote_meal(session: Session, *, actor: Person, person_id: int, canteen_id: int, day: date,
               meal: str, count: int, delivery: bool) -> Quote:
    """Price a meal for a person (price, subsidy, payable and the reason) without booking."""
    checked = _check(session, actor=actor, person_id=person_id, canteen_id=canteen_id, day=day,
                     meal=meal, count=count, delivery=delivery)
    return _quote(session, checked, actor=actor, day=day, count=count, delivery=delivery)


def _ensure_slot(session: Session, canteen_meal: CanteenMeal, day: date) -> None:
    values = {"canteen_id": canteen_meal.canteen_id, "day": day, "meal": canteen_meal.meal,
              "capacity": canteen_meal.capacity, "booked": 0}
    keys = ["canteen_id", "day", "meal"]
    insert = pg_insert if is_postgres(session) else sqlite_insert
    session.execute(insert(MealSlot).values(**values).on_conflict_do_nothing(index_elements=keys))


def _take_seats(session: Session, canteen_meal: CanteenMeal, day: date, count: int) -> None:
    """Take seats with one conditional update; the slot row is created by the day's first booking."""
    take = (update(MealSlot)
            .where(*_slot_where(canteen_meal, day), MealSlot.booked + count <= MealSlot.capacity)
            .values(booked=MealSlot.booked + count)
            .execution_options(synchronize_session=False))
    if session.execute(take).rowcount == 1:  # type: ignore[attr-defined]
        return
    _ensure_slot(session, canteen_meal, day)
    if session.execute(take).rowcount == 1:  # type: ignore[attr-defined]
        return
    raise sold_out(day, canteen_meal.meal, left=seats_left(session, canteen_meal, day),
                   count=count)


def sold_out(day: date, meal: str, *, left: int, count: int) -> SoldOut:
    """Say that a meal cannot take `count` more portions, and what to do instead."""
    what = f"{day_text(day)}{meal_text(meal)}"
    if left > 0:
        return SoldOut(f"{what}只剩{left}份，订不了{count}份。可以少订几份，或选附近其他助餐点。")
    return SoldOut(f"{what}已经订满了。可以换一餐，或选附近其他助餐点。")


def _release_seats(session: Session, booking: MealBooking) -> None:
    _give_back_seats(session, canteen_id=booking.canteen_id, day=booking.day, meal=booking.meal,
                     count=booking.count)


def _give_back_seats(session: Session, *, canteen_id: int, day: date, meal: str,
                     count: int) -> None:
    stmt = (update(MealSlot)
            .where(MealSlot.canteen_id == canteen_id, MealSlot.day == day, MealSlot.meal == meal)
            .values(booked=MealSlot.booked - count)
            .execution_options(synchronize_session=False))
    session.execute(stmt)


def _already_booked(day: date, meal: str) -> AlreadyBooked:
    return AlreadyBooked(f"已经订了{day_text(day)}{meal_text(meal)}，不用重复订。要改份数，请先取消再订。")


def book_meal(session: Session, *, actor: Person, person_id: int, canteen_id: int, day: date,
              meal: str, count: int, delivery: bool, channel: str = "chat",
              note: str | None = None, standing_order_id: int | None = None) -> MealBooking:
    """Book a meal for a person (or for someone the actor may act for); never oversells."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    checked = _check(session, actor=actor, person_id=person_id, canteen_id=canteen_id, day=day,
                     meal=meal, count=count, delivery=delivery, lock_person=True)
    pricing = _price(session, checked, actor=actor, day=day, count=count)
    rule_id = pricing.rule.id if pricing.rule else None
    values = dict(
        person_id=person_id, canteen_id=canteen_id, day=day, meal=meal, count=count,
        delivery=delivery, price_fen=pricing.price_fen, subsidy_fen=pricing.subsidy_fen,
        payable_fen=pricing.payable_fen, subsidy_rule_id=rule_id,
        economic_tier=checked.person.verified_tier_on(day), reason=pricing.reason,
        breakdown=_breakdown(pricing), note=(note or None),
        booked_by_id=actor.id, channel=channel, status="booked",
        standing_order_id=standing_order_id,
    )
    # Seats first: a refusal leaves nothing written but, at most, the day's
    # empty slot row. A meal the person holds already is found by the insert
    # itself (the active-booking index), and its seats are given back.
    _take_seats_unless_booked(session, checked.canteen_meal, day, count, person_id=person_id)
    booking = _insert_unless_booked(session, values)
    if booking is None:
        _give_back_seats(session, canteen_id=canteen_id, day=day, meal=meal, count=count)
        raise _already_booked(day, meal)
    _draw_from_fund(session, checked, booking, pricing, actor=actor)
    _tell_principal(session, actor, booking, "为您订了", f"，实付{yuan(booking.payable_fen)}")
    return booking


def _take_seats_unless_booked(session: Session, canteen_meal: CanteenMeal, day: date, count: int,
                              *, person_id: int) -> None:
    """Take seats; when there are too few, a person who holds the meal already hears that."""
    try:
        _take_seats(session, canteen_meal, day, count)
    except SoldOut:
        if find_active_booking(session, person_id=person_id, day=day, meal=canteen_meal.meal,
                               canteen_id=canteen_meal.canteen_id) is not None:
            raise _already_booked(day, canteen_meal.meal) from None
        raise


def _insert_unless_booked(session: Session, values: dict[str, Any]) -> MealBooking | None:
    """Insert a booking, or nothing (None) when the person holds that meal already."""
    insert = pg_insert if is_postgres(session) else sqlite_insert
    stmt = (insert(MealBooking).values(**values)
            .on_conflict_do_nothing(index_elements=ACTIVE_KEYS, index_where=ACTIVE)
            .returning(MealBooking))
    return session.scalars(stmt).one_or_none()


def _tell_principal(session: Session, actor: Person, booking: MealBooking, verb: str,
                    tail: str = "") -> None:
    """Let the elderly person know when someone else booked or cancelled for them."""
    if actor.id == booking.person_id:
        return
    what = f"{day_text(booking.day)}{meal_text(booking.meal)}{booking.count}份"
    enqueue_notification(
        session, person_id=booking.person_id, template="meal_booking",
        text=(f"{actor.masked_name}{verb}{what}（{booking.canteen.name}，"
              f"{'送餐上门' if booking.delivery else '到店自取'}）{tail}。"),
        dedupe_key=f"meal-booking:{booking.id}:{booking.status}",
        payload={"booking_id": booking.id},
        facts={"meal": what, "canteen": booking.canteen.name,
               "how": "送餐" if booking.delivery else "自取",
               "amount": f"{booking.payable_fen / 100:.2f}元",
               "next": f"{actor.masked_name}{verb.replace('为您', '')}，有疑问请回复人工"},
    )


def _visible_booking(session: Session, *, actor: Person, booking_id: int) -> MealBooking:
    """Lock the booking and read it with its canteen and the canteen's meals, in one statement."""
    stmt = (select(MealBooking).where(MealBooking.id == booking_id)
            .options(joinedload(MealBooking.canteen).options(rules.WITH_MEALS))
            .with_for_update(of=MealBooking))
    valid = rules.valid_id(booking_id)
    booking = session.scalars(stmt).unique().one_or_none() if valid else None
    if booking is None or not can_act_for(session, agent=actor, principal_id=booking.person_id):
        raise NotFound("没有找到这份订餐。")
    return booking


def cancel_meal_booking(session: Session, *, actor: Person, booking_id: int) -> MealBooking:
    """Cancel a booking before its cutoff and give the seats back."""
    booking = _visible_booking(session, actor=actor, booking_id=booking_id)
    if booking.status != "booked":
        raise InvalidTransition("这份订餐已经取消或用过了，不能再取消。")
    canteen = rules.canteen_with_meals(session, booking.canteen_id)
    served = rules.meal_of(canteen, booking.meal) if canteen is not None else None
    if served is not None:
        rules.require_before_cutoff(served, day=booking.day, doing="取消")
    booking.status = "cancelled"
    booking.cancelled_at = clock.now()
    _release_seats(session, booking)
    session.flush()
    if _paid_by_fund(booking):
        refund_meal_subsidy(session, booking=booking)
    _tell_principal(session, actor, booking, "取消了")
    return booking


def cancel_future_bookings(session: Session, *, person_id: int) -> int:
    """Cancel a person's bookings after today and give the seats back (erasure); return how many."""
    stmt = select(MealBooking).where(MealBooking.person_id == person_id, MealBooking.status == "booked",
                                     MealBooking.day > clock.today()).with_for_update()
    bookings = list(session.scalars(stmt.order_by(MealBooking.id)))
    for booking in bookings:
        booking.status, booking.cancelled_at = "cancelled", clock.now()
        _release_seats(session, booking)
    session.flush()
    for booking in bookings:
        if _paid_by_fund(booking):
            refund_meal_subsidy(session, booking=booking)
    return len(bookings)


def find_active_booking(session: Session, *, person_id: int, day: date, meal: str,
                        canteen_id: int | None = None) -> MealBooking | None:
    """Return the person's booked (not yet served) meal on a day, if any."""
    stmt = select(MealBooking).where(MealBooking.person_id == person_id, MealBooking.day == day,
                                     MealBooking.meal == meal, MealBooking.status == "booked")
    if canteen_id is not None:
        stmt = stmt.where(MealBooking.canteen_id == canteen_id)
    return session.scalars(stmt.order_by(MealBooking.id)).first()


def list_my_bookings(session: Session, *, actor: Person, person_id: int | None = None,
                     from_day: date | None = None) -> list[MealBooking]:
    """Return a person's bookings from a day on (default today), soonest first."""
    person_id = actor.id if person_id is None else person_id
    if not rules.valid_id(person_id):
        raise NotFound()
    require_act_for(session, agent=actor, principal_id=person_id)
    stmt = select(MealBooking).where(MealBooking.person_id == person_id,
                                     MealBooking.day >= (from_day or clock.today()))
    rows = session.scalars(stmt.order_by(MealBooking.day, MealBooking.id))
    return sorted(rows, key=lambda b: (b.day, MEALS.index(b.meal), b.id))


def list_bookings_for_reminder(session: Session, *, day: date,
                               meal: str | None = None) -> list[MealBooking]:
    """Return the active bookings of a day (one meal or all), for reminders."""
    stmt = select(MealBooking).where(MealBooking.day == day, MealBooking.status == "booked")
    if meal is not None:
        stmt = stmt.where(MealBooking.meal == meal)
    return list(session.scalars(stmt.order_by(MealBooking.id)))


def recent_booking_history(session: Session, *, person_id: int, days: int) -> list[MealBooking]:
    """Return a person's bookings of the last `days` days up to today, any status."""
    today = clock.today()
    stmt = select(MealBooking).where(MealBooking.person_id == person_id,
                                     MealBooking.day > today - timedelta(days=days),
                                     MealBooking.day <= today)
    return list(session.scalars(stmt.order_by(MealBooking.day, MealBooking.id)))

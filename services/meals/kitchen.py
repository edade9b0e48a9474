"""The canteen's side: what to cook, whom to deliver to, who ate and who did not come."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock, crypto
from core.errors import InvalidTransition, NotFound
from models.meals import MEALS, MealBooking
from models.person import Person
from services.access.audit import record_access
from services.access.checks import require_staff_for
from services.meals import canteens as rules


@dataclass
class MealCount:
    """Portions of one meal: booked in all, to eat in, to deliver, served, not come."""

    meal: str
    booked: int = 0
    eat_in: int = 0
    delivery: int = 0
    served: int = 0
    no_show: int = 0


@dataclass(frozen=True)
class KitchenOrder:
    """One booking as the kitchen sees it (masked name and phone)."""

    booking_id: int
    meal: str
    name: str
    phone: str
    count: int
    delivery: bool
    status: str
    note: str | None
    address: str | None = None


@dataclass
class KitchenSummary:
    """The day's work at one canteen: counts by meal, deliveries, dietary notes, orders."""

    canteen_id: int
    day: date
    counts: dict[str, MealCount]
    orders: list[KitchenOrder] = field(default_factory=list)

    @property
    def deliveries(self) -> list[KitchenOrder]:
        return [o for o in self.orders if o.delivery and o.status == "booked"]

    @property
    def dietary_notes(self) -> list[KitchenOrder]:
        return [o for o in self.orders if o.note and o.status != "cancelled"]


def _order_rows(session: Session, canteen_id: int, day: date, meal: str | None):  # type: ignore[no-untyped-def]
    stmt = (
        select(MealBooking.id, MealBooking.person_id, MealBooking.meal, MealBooking.count,
               MealBooking.delivery, MealBooking.status, MealBooking.note, Person.name,
               Person.phone)
        .join(Person, Person.id == MealBooking.person_id)
        .where(MealBooking.canteen_id == canteen_id, MealBooking.day == day,
               MealBooking.status != "cancelled")
        .order_by(MealBooking.id)
    )
    if meal is not None:
        stmt = stmt.where(MealBooking.meal == meal)
    return session.execute(stmt)


def kitchen_summary(session: Session, *, actor: Person, canteen_id: int, day: date,
                    meal: str | None = None) -> KitchenSummary:
    """Summarise a canteen's day for its operator or the community's staff (audited)."""
    canteen = rules.get_canteen(session, canteen_id=canteen_id)
    rules.require_operator_or_staff(actor, canteen)
    counts = {m.meal: MealCount(m.meal) for m in rules.served_meals(canteen)
              if meal in (None, m.meal)}
    summary = KitchenSummary(canteen_id=canteen.id, day=day, counts=counts)
    rows = list(_order_rows(session, canteen.id, day, meal))
    # Decrypt addresses only for the meals that go out (the costly column).
    addresses = _addresses(session, {r.person_id for r in rows if r.delivery and r.status == "booked"})
    for row in rows:
        _tally(counts.setdefault(row.meal, MealCount(row.meal)), row.status, row.count, row.delivery)
        summary.orders.append(KitchenOrder(
            booking_id=row.id, meal=row.meal, name=crypto.mask_name(row.name),
            phone=crypto.mask_phone(row.phone), count=row.count, delivery=row.delivery,
            status=row.status, note=row.note,
            address=addresses.get(row.person_id) if row.delivery else None,
        ))
    summary.orders.sort(key=lambda o: (MEALS.index(o.meal), o.booking_id))
    if summary.deliveries:
        record_access(session, actor_id=actor.id, action="read", subject_type="canteen",
                      subject_id=canteen.id, fields=["address", "phone"],
                      detail={"day": day.isoformat(), "deliveries": len(summary.deliveries)})
    return summary


def _addresses(session: Session, person_ids: set[int]) -> dict[int, str | None]:
    if not person_ids:
        return {}
    stmt = select(Person.id, Person.address).where(Person.id.in_(person_ids))
    return {pid: address for pid, address in session.execute(stmt)}


def _tally(tally: MealCount, status: str, count: int, delivery: bool) -> None:
    tally.booked += count
    tally.delivery += count if delivery else 0
    tally.eat_in += 0 if delivery else count
    tally.served += count if status == "served" else 0
    tally.no_show += count if status == "no_show" else 0


def _operated_booking(session: Session, *, actor: Person, booking_id: int) -> MealBooking:
    valid = rules.valid_id(booking_id)
    booking = session.get(MealBooking, booking_id, with_for_update=True) if valid else None
    if booking is None:
        raise NotFound("没有找到这份订餐。")
    rules.require_canteen_operator(actor, booking.canteen)
    return booking


def mark_served(session: Session, *, actor: Person, booking_id: int) -> MealBooking:
    """Record that a booked meal was eaten or delivered (also corrects a no-show)."""
    booking = _operated_booking(session, actor=actor, booking_id=booking_id)
    if booking.status not in ("booked", "no_show"):
        raise InvalidTransition("这份订餐已取消或已用餐，不能再标记。")
    if booking.day > clock.today():
        raise InvalidTransition("还没到用餐的日子，不能标记已用餐。")
    booking.status, booking.served_at, booking.marked_by_id = "served", clock.now(), actor.id
    session.flush()
    return booking


def mark_no_show(session: Session, *, actor: Person, booking_id: int) -> MealBooking:
    """Record that the person did not come for (or take in) a booked meal."""
    booking = _operated_booking(session, actor=actor, booking_id=booking_id)
    if booking.status != "booked":
        raise InvalidTransition("只有已预订的餐才能标记未到。")
    if booking.day > clock.today():
        raise InvalidTransition("还没到用餐的日子，不能标记未到。")
    booking.status, booking.marked_by_id = "no_show", actor.id
    session.flush()
    return booking


def mark_past_bookings_no_show(session: Session, *, now: datetime) -> int:
    """Mark booked meals whose service has ended as no-shows; return how many."""
    today = now.astimezone(clock.LOCAL_TZ).date()
    stmt = select(MealBooking).where(MealBooking.status == "booked", MealBooking.day <= today)
    marked = 0
    for booking in session.scalars(stmt.with_for_update()):
        served = rules.meal_of(booking.canteen, booking.meal)
        end = served.serve_end_minute if served else 24 * 60 - 1
        if now >= clock.local_datetime(booking.day, end // 60, end % 60):
            booking.status = "no_show"
            marked += 1
    session.flush()
    return marked


@dataclass(frozen=True)
class StaffBookingRow:
    """A booking as staff see it in a list (masked name)."""

    booking: MealBooking
    name: str


def list_canteen_bookings(session: Session, *, actor: Person, canteen_id: int,
                          day: date) -> list[StaffBookingRow]:
    """Return a canteen's bookings of a day for the community's staff."""
    canteen = rules.get_canteen(session, canteen_id=canteen_id)
    require_staff_for(actor, canteen.community_id)
    stmt = (select(MealBooking, Person.name).join(Person, Person.id == MealBooking.person_id)
            .where(MealBooking.canteen_id == canteen_id, MealBooking.day == day)
            .order_by(MealBooking.id))
    return [StaffBookingRow(b, crypto.mask_name(name)) for b, name in session.execute(stmt)]

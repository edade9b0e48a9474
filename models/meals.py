"""Elderly meal service (老年助餐): canteens, menus, subsidy rules, seats and bookings.

A seat is a portion in a `MealSlot` (one row per canteen, date and meal); a
booking takes its portions with a conditional UPDATE on that row, and a
partial unique index allows one active booking per person, canteen, date
and meal.

`MealMonthlyRollup` keeps, per canteen, month, verified tier and status, the
totals of `meal_bookings`; it is written by the same flush that inserts or
changes a booking, applied at that transaction's commit (see
`_roll_up_bookings`), so it commits or rolls back with it. `services.meals.rollups.rebuild_meal_rollups` recomputes it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    event,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    mapped_column,
    relationship,
)
from sqlalchemy.orm.util import identity_key

from models.base import Base, EncryptedText, Timestamped, UTCDateTime, enum_values
from models.person import ECONOMIC_TIERS

MEALS = ("breakfast", "lunch", "dinner")
MEAL_NAMES = {"breakfast": "早餐", "lunch": "午餐", "dinner": "晚餐"}
BOOKING_STATUSES = ("booked", "served", "no_show", "cancelled")
CHANNELS = ("chat", "miniprogram")


class Canteen(Base, Timestamped):
    """A community canteen (助餐点): where it is, when it opens, whether it delivers."""

    __tablename__ = "canteens"
    __table_args__ = (
        CheckConstraint("delivery_radius_m >= 0", name="delivery_radius"),
        CheckConstraint("delivery_fee_fen >= 0", name="delivery_fee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id"), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    address: Mapped[str] = mapped_column(String(256))
    phone: Mapped[str | None] = mapped_column(String(32))
    latitude: Mapped[float]
    longitude: Mapped[float]
    # ISO weekdays it opens, e.g. "12345" = Monday to Friday.
    open_weekdays: Mapped[str] = mapped_column(String(7), default="1234567")
    delivers: Mapped[bool] = mapped_column(Boolean, default=False)
    delivery_radius_m: Mapped[int] = mapped_column(default=0)
    delivery_fee_fen: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    meals: Mapped[list[CanteenMeal]] = relationship(
        back_populates="canteen", cascade="all, delete-orphan", lazy="selectin",
        order_by="CanteenMeal.id",
    )


class CanteenMeal(Base):
    """One meal a canteen serves: price, daily capacity, order cutoff and service end."""

    __tablename__ = "canteen_meals"
    __table_args__ = (
        CheckConstraint(f"meal IN ({enum_values(MEALS)})", name="meal"),
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint("price_fen >= 0", name="price"),
        CheckConstraint("cutoff_days_before IN (0, 1)", name="cutoff_days"),
        CheckConstraint("cutoff_minute >= 0 AND cutoff_minute < 1440", name="cutoff_minute"),
        CheckConstraint("serve_end_minute >= 0 AND serve_end_minute < 1440", name="serve_end"),
        UniqueConstraint("canteen_id", "meal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    canteen_id: Mapped[int] = mapped_column(ForeignKey("canteens.id", ondelete="CASCADE"))
    meal: Mapped[str] = mapped_column(String(16))
    price_fen: Mapped[int]
    capacity: Mapped[int]
    # Orders close at cutoff_minute (minutes after local midnight) on the day,
    # or on the day before when cutoff_days_before = 1 (breakfast by 20:00).
    cutoff_days_before: Mapped[int] = mapped_column(default=0)
    cutoff_minute: Mapped[int]
    serve_end_minute: Mapped[int]

    canteen: Mapped[Canteen] = relationship(back_populates="meals")


class Menu(Base):
    """What a canteen cooks for one meal on one date, with dietary tags (低盐, 软食 …)."""

    __tablename__ = "menus"
    __table_args__ = (
        CheckConstraint(f"meal IN ({enum_values(MEALS)})", name="meal"),
        UniqueConstraint("canteen_id", "day", "meal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    canteen_id: Mapped[int] = mapped_column(ForeignKey("canteens.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    meal: Mapped[str] = mapped_column(String(16))
    dishes: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)


class SubsidyRule(Base, Timestamped):
    """Data, not code: who gets how much per meal, and the monthly cap per person."""

    __tablename__ = "subsidy_rules"
    __table_args__ = (
        CheckConstraint(
            f"economic_tier IS NULL OR economic_tier IN ({enum_values(ECONOMIC_TIERS)})",
            name="economic_tier",
        ),
        CheckConstraint("amount_fen >= 0", name="amount"),
        CheckConstraint("monthly_cap_fen >= 0", name="monthly_cap"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    economic_tier: Mapped[str | None] = mapped_column(String(32))
    requires_disability: Mapped[bool] = mapped_column(Boolean, default=False)
    requires_living_alone: Mapped[bool] = mapped_column(Boolean, default=False)
    amount_fen: Mapped[int]
    monthly_cap_fen: Mapped[int]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # In force from / to these days (inclusive; None: open). A change closes a rule and
    # opens its successor, so bookings priced under the old one keep what they were priced.
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    # Paid from a charity fund (models/funds.py) rather than the public budget: the rule
    # applies only while the fund holds the whole subsidy of the booking.
    fund_id: Mapped[int | None] = mapped_column(ForeignKey("charity_funds.id"), index=True)


class MealSlot(Base):
    """The portions of one meal on one date; `booked` never passes `capacity`."""

    __tablename__ = "meal_slots"
    __table_args__ = (
        CheckConstraint(f"meal IN ({enum_values(MEALS)})", name="meal"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
        UniqueConstraint("canteen_id", "day", "meal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    canteen_id: Mapped[int] = mapped_column(ForeignKey("canteens.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    meal: Mapped[str] = mapped_column(String(16))
    capacity: Mapped[int]
    booked: Mapped[int] = mapped_column(default=0)


ACTIVE = text("status = 'booked'")
NO_SHOW = text("status = 'no_show'")


class MealBooking(Base, Timestamped):
    """A person's meal: price, subsidy and payable fixed at booking, with the reason."""

    __tablename__ = "meal_bookings"
    __table_args__ = (
        CheckConstraint(f"meal IN ({enum_values(MEALS)})", name="meal"),
        CheckConstraint(f"status IN ({enum_values(BOOKING_STATUSES)})", name="status"),
        CheckConstraint(f"channel IN ({enum_values(CHANNELS)})", name="channel"),
        CheckConstraint("count > 0", name="count"),
        CheckConstraint("subsidy_fen >= 0 AND subsidy_fen <= price_fen", name="subsidy"),
        CheckConstraint("payable_fen = price_fen - subsidy_fen", name="payable"),
        Index(
            "uq_meal_bookings_active", "person_id", "canteen_id", "day", "meal",
            unique=True, sqlite_where=ACTIVE, postgresql_where=ACTIVE,
        ),
        Index("ix_meal_bookings_canteen_day", "canteen_id", "day", "meal"),
        Index("ix_meal_bookings_person_day", "person_id", "day"),
        # Monitoring: recent no-shows (a small slice of a large table).
        Index("ix_meal_bookings_no_show_day", "day", "person_id",
              sqlite_where=NO_SHOW, postgresql_where=NO_SHOW),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    # active_history: the rollup needs the old value of every column it adds up.
    canteen_id: Mapped[int] = mapped_column(ForeignKey("canteens.id"), active_history=True)
    day: Mapped[date] = mapped_column(Date, active_history=True)
    meal: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(active_history=True)
    delivery: Mapped[bool] = mapped_column(Boolean, default=False)
    price_fen: Mapped[int]
    subsidy_fen: Mapped[int] = mapped_column(active_history=True)
    payable_fen: Mapped[int] = mapped_column(active_history=True)
    subsidy_rule_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_rules.id"))
    # The verified tier that counted when booked (for settlement by tier).
    economic_tier: Mapped[str | None] = mapped_column(String(32), active_history=True)
    reason: Mapped[str] = mapped_column(EncryptedText())
    breakdown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Dietary notes are health data: sealed like the person's health note.
    note: Mapped[str | None] = mapped_column(EncryptedText())
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="booked", index=True,
                                        active_history=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    served_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    # Set when the scheduler booked it from a standing order (models/standing.py).
    standing_order_id: Mapped[int | None] = mapped_column(ForeignKey("standing_orders.id"))

    canteen: Mapped[Canteen] = relationship()


class MealMonthlyRollup(Base):
    """Totals of one canteen's bookings in one month, by verified tier and status.

    Equal at every commit to grouping `meal_bookings` by canteen, month of the
    meal day (YYYY-MM), tier ('' for none) and status; rows may fall to zero.
    """

    __tablename__ = "meal_monthly_rollups"
    __table_args__ = (
        CheckConstraint(f"status IN ({enum_values(BOOKING_STATUSES)})", name="status"),
    )

    canteen_id: Mapped[int] = mapped_column(ForeignKey("canteens.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    economic_tier: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    bookings: Mapped[int] = mapped_column(default=0)
    portions: Mapped[int] = mapped_column(default=0)
    subsidy_fen: Mapped[int] = mapped_column(default=0)
    payable_fen: Mapped[int] = mapped_column(default=0)


RollupKey = tuple[int, str, str, str]
ROLLED_UP = ("canteen_id", "day", "economic_tier", "status", "count", "subsidy_fen", "payable_fen")
TOTALS = ("bookings", "portions", "subsidy_fen", "payable_fen")


def rollup_month(day: date) -> str:
    """Return the rollup month (YYYY-MM) of a meal day."""
    return f"{day.year:04d}-{day.month:02d}"


Totals = tuple[int, int, int, int]
BEFORE = "meal_rollup_before"  # session.info: booking id -> its share when the transaction began
READ_BACK = "meal_rollup_read_back"  # session.info: read every share back from the database
_ROLLED_UP_KEYS = frozenset(ROLLED_UP)


def _share(values: Any) -> tuple[RollupKey, Totals]:
    key = (values.canteen_id, rollup_month(values.day), values.economic_tier or "",
           values.status or "booked")
    return key, (1, values.count, values.subsidy_fen, values.payable_fen)


class _Values:
    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def _share_before(booking: MealBooking) -> tuple[RollupKey, Totals]:
    attrs = inspect(booking).attrs
    old = {}
    for name in ROLLED_UP:
        history = attrs[name].history
        old[name] = history.deleted[0] if history.deleted else getattr(booking, name)
    return _share(_Values(**old))


@event.listens_for(Session, "after_flush")
def _note_bookings(session: Session, _context: Any) -> None:
    """Remember each booking's share before this transaction first wrote it (None: new)."""
    before: dict[int, tuple[RollupKey, Totals] | None] = session.info.setdefault(BEFORE, {})
    for obj in session.new:
        if isinstance(obj, MealBooking):
            before.setdefault(obj.id, None)
    for obj in [*session.dirty, *session.deleted]:
        if isinstance(obj, MealBooking) and obj.id not in before:
            before[obj.id] = _share_before(obj)


@event.listens_for(Session, "before_commit")
def _roll_up_bookings(session: Session) -> None:
    """At the outer commit: move the rollup by (share now - share before) of every touched booking.

    A booking's share now is taken from the session when all its rolled-up
    values are loaded there; a savepoint rollback expires what it undid (or
    drops what it inserted), so those shares, and all of them after an ORM
    bulk UPDATE or DELETE of bookings, are read back from the database. Rollup
    rows are locked last and in key order, which keeps them out of deadlock
    cycles and holds these hot rows only until the commit.
    """
    if session.in_nested_transaction():
        return
    session.flush()
    before: dict[int, tuple[RollupKey, Totals] | None] = session.info.pop(BEFORE, {})
    if not before:
        return
    deltas: dict[RollupKey, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for share in before.values():
        if share is not None:
            for i, amount in enumerate(share[1]):
                deltas[share[0]][i] -= amount
    read_back = session.info.pop(READ_BACK, False)
    unread = []
    for booking_id in sorted(before):
        now = None if read_back else _share_in_session(session, booking_id)
        if now is None:
            unread.append(booking_id)
        else:
            for i, amount in enumerate(now[1]):
                deltas[now[0]][i] += amount
    columns = [MealBooking.__table__.c[name] for name in ROLLED_UP]
    connection = session.connection()
    for chunk in range(0, len(unread), 1000):
        stmt = select(*columns).where(MealBooking.__table__.c.id.in_(unread[chunk:chunk + 1000]))
        for row in connection.execute(stmt):
            key, totals = _share(row)
            for i, amount in enumerate(totals):
                deltas[key][i] += amount
    apply_rollup_deltas(session, {k: d for k, d in deltas.items() if any(d)})


def _share_in_session(session: Session, booking_id: int) -> tuple[RollupKey, Totals] | None:
    """Return a booking's share from the session, or None when it must be read back."""
    booking = session.identity_map.get(identity_key(MealBooking, booking_id))
    if booking is None:
        return None
    state = inspect(booking)
    if state.deleted or state.was_deleted or not _ROLLED_UP_KEYS.isdisjoint(state.unloaded):
        return None
    return _share(booking)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_booking_writes(state: ORMExecuteState) -> None:
    """An ORM bulk UPDATE / DELETE of bookings bypasses the session: read every share back."""
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None and mapper.class_ is MealBooking:
        state.session.info[READ_BACK] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_bookings(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outer transaction ended (committed or rolled back)
        session.info.pop(BEFORE, None)
        session.info.pop(READ_BACK, None)


_ROLLUP_UPSERTS: dict[str, Any] = {}


def _rollup_upsert(dialect: str) -> Any:
    """Return the one-row rollup UPSERT for a dialect, built once (rows come as parameters)."""
    stmt = _ROLLUP_UPSERTS.get(dialect)
    if stmt is None:
        insert = (pg_insert if dialect == "postgresql" else sqlite_insert)(MealMonthlyRollup)
        stmt = _ROLLUP_UPSERTS[dialect] = insert.on_conflict_do_update(
            index_elements=["canteen_id", "month", "economic_tier", "status"],
            set_={name: getattr(MealMonthlyRollup, name) + insert.excluded[name] for name in TOTALS},
        )
    return stmt


def apply_rollup_deltas(session: Session, deltas: dict[RollupKey, list[int]]) -> None:
    """Add deltas to the rollup rows, one UPSERT a row, in key order (no deadlock cycles)."""
    if not deltas:
        return
    connection = session.connection()
    rows = [dict(canteen_id=canteen_id, month=month, economic_tier=tier, status=status,
                 **dict(zip(TOTALS, delta, strict=True)))
            for (canteen_id, month, tier, status), delta in sorted(deltas.items())]
    connection.execute(_rollup_upsert(connection.dialect.name), rows)

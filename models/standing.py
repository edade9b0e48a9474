"""Standing orders (长期订餐): the meal an elder eats on the same days every week.

A `StandingOrder` says which meal, on which days (every day, official working
days, or chosen weekdays), at which canteen, how many portions and whether it
is delivered; the scheduler books each day as an ordinary `MealBooking`
(marked with `standing_order_id`). A `StandingOrderRun` records each day the
job tried: one row per order and day, so running the job twice never books
twice, and a sold-out or refused day is recorded and told, never skipped.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, EncryptedString, Timestamped, UTCDateTime, enum_values
from models.meals import MEALS, Canteen

STANDING_STATUSES = ("active", "ended")
STANDING_CHANNELS = ("chat", "miniprogram", "console")
# booked: a booking was made; already_booked: the person had booked the meal themselves;
# sold_out / refused: the day could not be booked (told to the person and staff);
# missed: the day's cutoff passed before the job could try (told likewise).
RUN_OUTCOMES = ("booked", "already_booked", "sold_out", "refused", "missed")
ACTIVE_ORDER = text("status = 'active'")


class StandingOrder(Base, Timestamped):
    """Book this meal for this person on these days, from `starts_on`, until ended."""

    __tablename__ = "standing_orders"
    __table_args__ = (
        CheckConstraint(f"meal IN ({enum_values(MEALS)})", name="meal"),
        CheckConstraint(f"status IN ({enum_values(STANDING_STATUSES)})", name="status"),
        CheckConstraint(f"channel IN ({enum_values(STANDING_CHANNELS)})", name="channel"),
        CheckConstraint("count > 0", name="count"),
        CheckConstraint("paused_until IS NULL OR paused_from <= paused_until", name="pause"),
        # One active standing order per person and meal: two would book the same meal twice.
        Index("uq_standing_orders_active", "person_id", "meal", unique=True,
              sqlite_where=ACTIVE_ORDER, postgresql_where=ACTIVE_ORDER),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    canteen_id: Mapped[int] = mapped_column(ForeignKey("canteens.id"))
    meal: Mapped[str] = mapped_column(String(16))
    # "daily", "workdays" (official working days, adjusted ones included) or ISO weekdays "135".
    days: Mapped[str] = mapped_column(String(16))
    count: Mapped[int] = mapped_column(default=1)
    delivery: Mapped[bool] = mapped_column(default=False)
    starts_on: Mapped[date] = mapped_column(Date)
    paused_from: Mapped[date | None] = mapped_column(Date)
    paused_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    note: Mapped[str | None] = mapped_column(EncryptedString(512))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    channel: Mapped[str] = mapped_column(String(16))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))

    canteen: Mapped[Canteen] = relationship()


class StandingOrderRun(Base):
    """One day the job handled for one standing order, and what came of it."""

    __tablename__ = "standing_order_runs"
    __table_args__ = (
        CheckConstraint(f"outcome IN ({enum_values(RUN_OUTCOMES)})", name="outcome"),
        UniqueConstraint("standing_order_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    standing_order_id: Mapped[int] = mapped_column(
        ForeignKey("standing_orders.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("meal_bookings.id"))
    message: Mapped[str | None] = mapped_column(String(256))  # our own words, never typed text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

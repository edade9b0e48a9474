"""Elderly meal service (老年助餐): canteens, menus, subsidy rules, seats and bookings.

A seat is a portion in a `MealSlot` (one row per canteen, date and meal); a
booking takes its portions with a conditional UPDATE on that row, and a
partial unique index allows one active booking per person, canteen, date
and meal.

`MealMonthlyRollup` keeps, per canteen, month, verified tier and status, the
totals of `meal_bookings`; triggers on `meal_bookings` keep it in step in the
writing transaction (migration 0021_rollup_trigger), and
`services.meals.rollups.rebuild_meal_rollups` recomputes it.
"""

from __future__ import annotations

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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    canteen_id: Mapped[int] = mapped_column(ForeignKey("canteens.id"))
    day: Mapped[date] = mapped_column(Date)
    meal: Mapped[str] = mapped_column(String(16))
    count: Mapped[int]
    delivery: Mapped[bool] = mapped_column(Boolean, default=False)
    price_fen: Mapped[int]
    subsidy_fen: Mapped[int]
    payable_fen: Mapped[int]
    subsidy_rule_id: Mapped[int | None] = mapped_column(ForeignKey("subsidy_rules.id"))
    # The verified tier that counted when booked (for settlement by tier).
    economic_tier: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(EncryptedText())
    breakdown: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Dietary notes are health data: sealed like the person's health note.
    note: Mapped[str | None] = mapped_column(EncryptedText())
    booked_by_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="booked", index=True)
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
    Kept by triggers on `meal_bookings` (migration 0021_rollup_trigger).
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

"""Volunteers, their service records, the points ledger, rates, rewards and redemptions.

The ledger is double-entry: a `PointsPosting` groups two `PointsEntry` rows
whose signed amounts cancel out, so all entries sum to zero. Both tables are
append-only in the database (triggers refuse UPDATE and DELETE); a mistake is
corrected by a reversing posting. `PointsAccount.balance` is a cached sum,
moved by a conditional UPDATE in the same transaction as the entries and
checked against the sum by reconciliation.
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
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, EncryptedText, Timestamped, UTCDateTime, enum_values

VOLUNTEER_STATUSES = ("pending", "verified", "rejected")
RECORD_STATUSES = ("open", "pending_confirmation", "verified", "rejected")
RECORD_SOURCES = ("check_in", "logged", "activity")
ACCOUNT_KINDS = ("issuer", "volunteer")
POSTING_KINDS = ("service", "redemption", "reversal")


class VolunteerProfile(Base, Timestamped):
    """A person's volunteer registration: skills, community, availability, verification."""

    __tablename__ = "volunteer_profiles"
    __table_args__ = (CheckConstraint(f"status IN ({enum_values(VOLUNTEER_STATUSES)})", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), unique=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    availability: Mapped[str | None] = mapped_column(EncryptedText())
    status: Mapped[str] = mapped_column(String(16), default="pending")
    anonymous_on_leaderboard: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reject_reason: Mapped[str | None] = mapped_column(EncryptedText())


class ServiceRecord(Base, Timestamped):
    """One stretch of service: checked in and out, logged afterwards, or an activity attended."""

    __tablename__ = "service_records"
    __table_args__ = (
        CheckConstraint(f"status IN ({enum_values(RECORD_STATUSES)})", name="status"),
        CheckConstraint(f"source IN ({enum_values(RECORD_SOURCES)})", name="source"),
        CheckConstraint("minutes >= 0 AND minutes <= 720", name="minutes"),
        CheckConstraint("beneficiary_id IS NULL OR beneficiary_id <> volunteer_id", name="not_self"),
        Index("ix_service_records_volunteer_day", "volunteer_id", "service_day"),
        Index("ix_service_records_status", "status", "created_at"),
        # At most one open check-in per volunteer, whatever the races.
        Index(
            "ux_service_records_one_open", "volunteer_id", unique=True,
            sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    # Help requests are built in parallel: a plain indexed integer until their table lands.
    help_request_id: Mapped[int | None] = mapped_column(index=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24), default="open")
    service_day: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    minutes: Mapped[int] = mapped_column(default=0)
    description: Mapped[str | None] = mapped_column(EncryptedText())
    check_in_location: Mapped[str | None] = mapped_column(EncryptedText())
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    flag_reason: Mapped[str | None] = mapped_column(String(64))
    needs_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    disputed_reason: Mapped[str | None] = mapped_column(EncryptedText())
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_via: Mapped[str | None] = mapped_column(String(16))
    reject_reason: Mapped[str | None] = mapped_column(EncryptedText())

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)


class PointsRate(Base):
    """A points rate as data: e.g. `service_hour` = 10 points an hour from a date on."""

    __tablename__ = "points_rates"
    __table_args__ = (UniqueConstraint("code", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    points: Mapped[int]
    effective_from: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(200))


class PointsAccount(Base):
    """An account in the ledger: the issuer (may go negative) or one volunteer's."""

    __tablename__ = "points_accounts"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(ACCOUNT_KINDS)})", name="kind"),
        CheckConstraint("kind = 'issuer' OR balance >= 0", name="not_overdrawn"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), unique=True)
    balance: Mapped[int] = mapped_column(default=0)


class PointsPosting(Base):
    """One movement of points between two accounts (append-only)."""

    __tablename__ = "points_postings"
    __table_args__ = (CheckConstraint(f"kind IN ({enum_values(POSTING_KINDS)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    # Unique: a service record mints at most once; a posting is reversed at most once.
    service_record_id: Mapped[int | None] = mapped_column(ForeignKey("service_records.id"), unique=True)
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("redemptions.id"), unique=True)
    reverses_posting_id: Mapped[int | None] = mapped_column(ForeignKey("points_postings.id"), unique=True)
    memo: Mapped[str] = mapped_column(EncryptedText())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class PointsEntry(Base):
    """One leg of a posting: a signed amount on one account (append-only)."""

    __tablename__ = "points_entries"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="nonzero"),
        Index("ix_points_entries_account", "account_id", "id", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("points_postings.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("points_accounts.id"))
    amount: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Reward(Base, Timestamped):
    """Something points buy, with stock that never goes below zero."""

    __tablename__ = "rewards"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock"),
        CheckConstraint("points_cost > 0", name="cost"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    points_cost: Mapped[int]
    stock: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))


class Redemption(Base):
    """A volunteer spending points on a reward; one per (person, client key)."""

    __tablename__ = "redemptions"
    __table_args__ = (
        UniqueConstraint("person_id", "client_key"),
        CheckConstraint("quantity > 0", name="quantity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    reward_id: Mapped[int] = mapped_column(ForeignKey("rewards.id"), index=True)
    quantity: Mapped[int]
    points: Mapped[int]
    client_key: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16), default="completed")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

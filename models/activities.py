"""Charity activities (公益活动) and volunteers' sign-ups with attendance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, EncryptedText, Timestamped, UTCDateTime, enum_values

ACTIVITY_STATUSES = ("open", "cancelled")
SIGNUP_STATUSES = ("signed_up", "withdrawn", "attended")


class Activity(Base, Timestamped):
    """An activity a charity posts; `signed_up_count` never exceeds `capacity`."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(f"status IN ({enum_values(ACTIVITY_STATUSES)})", name="status"),
        CheckConstraint("capacity > 0", name="capacity"),
        CheckConstraint("signed_up_count >= 0 AND signed_up_count <= capacity", name="not_oversold"),
        CheckConstraint("points >= 0", name="points"),
        CheckConstraint("ends_at > starts_at", name="times"),
        Index("ix_activities_upcoming", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    title: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(128))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signup_deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int]
    signed_up_count: Mapped[int] = mapped_column(default=0)
    points: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="open")
    version: Mapped[int] = mapped_column(default=1)
    attendance_code: Mapped[str | None] = mapped_column(String(12))
    cancel_reason: Mapped[str | None] = mapped_column(EncryptedText())


class ActivitySignup(Base, Timestamped):
    """One volunteer's place on an activity; one row per (activity, volunteer)."""

    __tablename__ = "activity_signups"
    __table_args__ = (
        CheckConstraint(f"status IN ({enum_values(SIGNUP_STATUSES)})", name="status"),
        UniqueConstraint("activity_id", "volunteer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="signed_up")
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    service_record_id: Mapped[int | None] = mapped_column(ForeignKey("service_records.id"))

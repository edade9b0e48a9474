"""A person's rights over their data: erasure requests, and the daily retention runs.

An erasure request is made by the person (chat or API) and carried out only
when staff confirm it, with the reason (PIPL art. 47). A retention run is
one day's enforcement of the retention rules (`services/retention.py`); the
unique day of a scheduled run makes two schedulers at a hand-over run it once.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, EncryptedString, UTCDateTime, enum_values

ERASURE_STATUSES = ("requested", "done", "cancelled")
ERASURE_CHANNELS = ("chat", "miniprogram")
RUN_KINDS = ("scheduled", "manual")
# What an erased person's free text becomes (services/rights/erasure.py writes it; reports show it).
ERASED_TEXT = "[已注销]"
OPEN_ERASURE = text("status = 'requested'")
SCHEDULED_RUN = text("kind = 'scheduled'")


class ErasureRequest(Base):
    """A person's request to be erased; staff confirm it with a reason."""

    __tablename__ = "erasure_requests"
    __table_args__ = (
        CheckConstraint(f"status IN ({enum_values(ERASURE_STATUSES)})", name="status"),
        CheckConstraint(f"channel IN ({enum_values(ERASURE_CHANNELS)})", name="channel"),
        # One open request per person, whatever the races.
        Index("ux_erasure_requests_open", "person_id", unique=True,
              sqlite_where=OPEN_ERASURE, postgresql_where=OPEN_ERASURE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="requested")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What staff wrote when confirming (may name the person): sealed at rest.
    reason: Mapped[str | None] = mapped_column(EncryptedString(1024))
    pseudonym: Mapped[str | None] = mapped_column(String(32))
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RetentionRun(Base):
    """One enforcement of the retention rules and how many rows each rule touched."""

    __tablename__ = "retention_runs"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(RUN_KINDS)})", name="kind"),
        Index("ux_retention_runs_scheduled_day", "day", unique=True,
              sqlite_where=SCHEDULED_RUN, postgresql_where=SCHEDULED_RUN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16), default="scheduled")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)

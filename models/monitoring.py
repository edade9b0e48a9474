"""Risk alerts: emergencies, missed meals, overdue requests and other warnings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, EncryptedText, Timestamped, UTCDateTime, enum_values

ALERT_STATUSES = ("open", "acknowledged", "resolved")
ALERT_LEVELS = ("critical", "high", "medium", "low")


class RiskAlert(Base, Timestamped):
    """A warning for a community's staff; escalates while nobody acknowledges it."""

    __tablename__ = "risk_alerts"
    __table_args__ = (
        CheckConstraint(f"status IN ({enum_values(ALERT_STATUSES)})", name="status"),
        CheckConstraint(f"level IN ({enum_values(ALERT_LEVELS)})", name="level"),
        Index("ix_risk_alerts_queue", "community_id", "status", "level"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="open")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    subject_type: Mapped[str | None] = mapped_column(String(32))
    subject_id: Mapped[int | None]
    # Summaries and notes may quote what a volunteer or resident reported: sealed at rest.
    summary: Mapped[str] = mapped_column(EncryptedText())
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    dedupe_key: Mapped[str] = mapped_column(String(191), unique=True)
    escalation_level: Mapped[int] = mapped_column(default=0)
    escalate_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    note: Mapped[str | None] = mapped_column(EncryptedText())

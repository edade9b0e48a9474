"""The outbox: every message Linli sends on its own is a row here first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import (
    Base,
    EncryptedJSON,
    EncryptedString,
    EncryptedText,
    Timestamped,
    UTCDateTime,
    enum_values,
)

NOTIFICATION_STATUSES = ("pending", "sending", "waiting", "sent", "dead", "cancelled")
PRIORITY_URGENT = 0
PRIORITY_NORMAL = 5
PRIORITY_LOW = 9


class Notification(Base, Timestamped):
    """One message to one person, written in the same transaction as its cause."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(f"status IN ({enum_values(NOTIFICATION_STATUSES)})", name="status"),
        Index("ix_notifications_due", "status", "due_at", "priority"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    template: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What the person is told can carry names, dates and needs: sealed at rest.
    text: Mapped[str] = mapped_column(EncryptedText())
    # The facts a notice carries into WeChat's template fields (who, where, phone…), sealed.
    facts: Mapped[dict[str, Any] | None] = mapped_column(EncryptedJSON())
    dedupe_key: Mapped[str] = mapped_column(String(191), unique=True)
    priority: Mapped[int] = mapped_column(default=PRIORITY_NORMAL)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Fences a claim: only the dispatcher holding this token may mark the row.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(String(255))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class OutboxHold(Base):
    """A pause on all outbox dispatch, set by a restore until an operator releases it.

    After a restore the rows still unsent in the backup may already have gone out
    from the old database after the backup was taken; dispatch waits for a person.
    The key is a random string, not a sequence, so a hold written before the data of
    a restore is copied in never collides with the holds the backup carries.
    """

    __tablename__ = "outbox_holds"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    reason: Mapped[str] = mapped_column(String(32), default="restore")
    backup_taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    held_at: Mapped[datetime] = mapped_column(UTCDateTime())
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Typed by the operator at the command line: sealed like any other typed text.
    released_by: Mapped[str | None] = mapped_column(EncryptedString(255))
    sent_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    skipped: Mapped[int] = mapped_column(default=0)

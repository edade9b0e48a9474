"""Clean up records whose time is over: old idempotency replies, dead tokens, old messages."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from models.auth import ApiToken, IdempotencyRecord
from models.messaging import Notification

IDEMPOTENCY_TTL = timedelta(hours=24)
REVOKED_TOKEN_KEEP = timedelta(days=1)
SENT_NOTIFICATION_KEEP = timedelta(days=90)


def clean_expired_records(session: Session, *, now: datetime) -> dict[str, int]:
    """Delete what has expired; return how many rows of each kind went."""
    idempotency = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - IDEMPOTENCY_TTL)
    )
    tokens = session.execute(
        delete(ApiToken).where(or_(
            ApiToken.expires_at < now, ApiToken.revoked_at < now - REVOKED_TOKEN_KEEP))
    )
    notifications = session.execute(
        delete(Notification).where(
            Notification.status.in_(("sent", "cancelled")),
            Notification.updated_at < now - SENT_NOTIFICATION_KEEP,
        )
    )
    return {
        "idempotency_records": int(idempotency.rowcount),  # type: ignore[attr-defined]
        "api_tokens": int(tokens.rowcount),  # type: ignore[attr-defined]
        "notifications": int(notifications.rowcount),  # type: ignore[attr-defined]
    }

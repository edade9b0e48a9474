"""Clean up records whose time is over: old idempotency replies.

Login records (tokens), delivered messages and chat logs follow the retention
rules in `services/rights/retention.py` instead (a separate daily job).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from models.auth import IdempotencyRecord

IDEMPOTENCY_TTL = timedelta(hours=24)


def clean_expired_records(session: Session, *, now: datetime) -> dict[str, int]:
    """Delete what has expired; return how many rows of each kind went."""
    idempotency = session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - IDEMPOTENCY_TTL)
    )
    return {"idempotency_records": int(idempotency.rowcount)}  # type: ignore[attr-defined]

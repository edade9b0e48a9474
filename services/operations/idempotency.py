"""Idempotency keys: the first request under (person, key) runs, later ones get its answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock
from core.errors import IdempotencyMismatch
from models.auth import IdempotencyRecord


@dataclass(frozen=True)
class KeyClaim:
    """A claimed key: `first` runs the request; otherwise `record` holds the answer to replay."""

    record: IdempotencyRecord
    first: bool


def _earlier(record: IdempotencyRecord, request_hash: str) -> KeyClaim:
    if record.request_hash != request_hash:
        raise IdempotencyMismatch()
    return KeyClaim(record=record, first=False)


def claim_idempotency_key(session: Session, *, person_id: int, key: str,
                          request_hash: str) -> KeyClaim:
    """Claim (person, key) for this request, or return the earlier request's record to replay."""
    lookup = select(IdempotencyRecord).where(
        IdempotencyRecord.person_id == person_id, IdempotencyRecord.key == key
    )
    existing = session.scalar(lookup)
    if existing is not None:
        return _earlier(existing, request_hash)
    record = IdempotencyRecord(
        person_id=person_id, key=key, request_hash=request_hash, status_code=0,
        created_at=clock.now(),
    )
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        # Another request with the same key committed first: answer as it did.
        return _earlier(session.scalars(lookup).one(), request_hash)
    return KeyClaim(record=record, first=True)


def store_idempotent_response(session: Session, *, record: IdempotencyRecord, status_code: int,
                              body: Any) -> None:
    """Keep a successful response under its claimed key, to replay to later requests."""
    record.status_code = status_code
    record.response = body
    session.flush()

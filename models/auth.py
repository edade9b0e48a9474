"""Linli's own API tokens and the stored responses of idempotent requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, EncryptedJSON, EncryptedString, UTCDateTime


class ApiToken(Base):
    """A bearer token, stored as a SHA-256 hash, with idle and absolute expiry."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    session_key: Mapped[str | None] = mapped_column(EncryptedString(512))


class IdempotencyRecord(Base):
    """The first response to a creating POST, replayed for the same key."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("person_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    # The replayed body can hold anything the caller typed (a note, a phone): sealed.
    response: Mapped[dict[str, Any] | list[Any] | None] = mapped_column(EncryptedJSON())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

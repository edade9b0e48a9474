"""Declarative base, column types and mixins shared by every table."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, String, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core import clock, crypto

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a timezone-aware column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class EncryptedString(TypeDecorator[str]):
    """A string sealed with AES-GCM at rest; plaintext only in Python."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else crypto.encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else crypto.decrypt(value)


class EncryptedText(EncryptedString):
    """Free text sealed with AES-GCM at rest (messages, alert notes); TEXT column."""

    impl = Text
    cache_ok = True


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document sealed with AES-GCM at rest (a stored API response, a notice's facts)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        return None if value is None else json.loads(crypto.decrypt(value))


class Timestamped:
    """created_at / updated_at stamped from the injectable clock."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=lambda: clock.now())
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=lambda: clock.now(), onupdate=lambda: clock.now()
    )


def enum_values(values: Any) -> str:
    """Render allowed values for a CHECK constraint."""
    return ", ".join(f"'{v}'" for v in values)

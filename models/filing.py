"""Filing with civil affairs (报送): numbered batches of assistance records, each filed once.

A batch keeps the exact file it produced, sealed at rest (it holds names and
ID numbers in clear), with its SHA-256, so re-exporting batch N gives the
same bytes. `filed_records` holds one row per source row ever filed: the
unique (source_type, source_id) is what stops a record being filed twice.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, EncryptedText, UTCDateTime, enum_values

FILED_SOURCES = ("help_request", "meal_subsidy", "fund_project")


class FilingBatch(Base):
    """One export to the provincial platform: its number, window, row count and file."""

    __tablename__ = "filing_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    since: Mapped[date] = mapped_column(Date)
    until: Mapped[date] = mapped_column(Date)
    rows: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(EncryptedText())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FiledRecord(Base):
    """A source row that went into a batch; never filed again."""

    __tablename__ = "filed_records"
    __table_args__ = (
        CheckConstraint(f"source_type IN ({enum_values(FILED_SOURCES)})", name="source_type"),
        UniqueConstraint("source_type", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("filing_batches.id"), index=True)
    source_type: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int]

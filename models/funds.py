"""Charity funds (专项基金 / 冠名基金): donations in, meal subsidies and projects out.

Money moves on a double-entry ledger like the points ledger: every posting
moves a positive amount of fen between two accounts of one fund and writes
two entries (-amount, +amount), so entries sum to zero. Each fund has four
accounts: `donors` (goes negative by what was given), `balance` (what is
left; never below zero, checked by the database), `meals` and `projects`
(what it paid for). A booking is drawn once and refunded once (unique links).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, EncryptedText, Timestamped, UTCDateTime, enum_values

FUND_KINDS = ("special", "named")
FUND_KIND_NAMES = {"special": "专项基金", "named": "冠名基金"}
FUND_ACCOUNT_KINDS = ("donors", "balance", "meals", "projects")
FUND_POSTING_KINDS = ("donation", "meal_subsidy", "meal_refund", "project")


class CharityFund(Base, Timestamped):
    """A named fund a charity keeps; what it holds is its `balance` account."""

    __tablename__ = "charity_funds"
    __table_args__ = (CheckConstraint(f"kind IN ({enum_values(FUND_KINDS)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    purpose: Mapped[str | None] = mapped_column(EncryptedText())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))


class FundDonation(Base):
    """Money given to a fund: by whom (a person in Linli or a name typed in), how much, when."""

    __tablename__ = "fund_donations"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("charity_funds.id"), index=True)
    donor_person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    donor_name: Mapped[str] = mapped_column(EncryptedText())
    amount_fen: Mapped[int]
    received_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(EncryptedText())
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FundProjectPayment(Base):
    """A fund paying for a project (品牌项目, 公益创投): what, how much, when."""

    __tablename__ = "fund_project_payments"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("charity_funds.id"), index=True)
    title: Mapped[str] = mapped_column(EncryptedText())
    amount_fen: Mapped[int]
    paid_on: Mapped[date] = mapped_column(Date)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FundAccount(Base):
    """One of a fund's four accounts; `balance` is the cached sum of its entries."""

    __tablename__ = "fund_accounts"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(FUND_ACCOUNT_KINDS)})", name="kind"),
        CheckConstraint("kind = 'donors' OR balance >= 0", name="not_overdrawn"),
        UniqueConstraint("fund_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("charity_funds.id"))
    kind: Mapped[str] = mapped_column(String(16))
    balance: Mapped[int] = mapped_column(default=0)


# A booking is drawn at most once and refunded at most once.
_BOOKING_LINK = text("booking_id IS NOT NULL")


class FundPosting(Base):
    """One movement of money inside a fund, linked to what caused it."""

    __tablename__ = "fund_postings"
    __table_args__ = (
        CheckConstraint(f"kind IN ({enum_values(FUND_POSTING_KINDS)})", name="kind"),
        CheckConstraint("amount_fen > 0", name="amount"),
        Index("uq_fund_postings_booking", "booking_id", "kind", unique=True,
              sqlite_where=_BOOKING_LINK, postgresql_where=_BOOKING_LINK),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("charity_funds.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int]
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("fund_donations.id"), unique=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("meal_bookings.id"))
    project_payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("fund_project_payments.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class FundEntry(Base):
    """One leg of a posting: an amount into (+) or out of (-) one account."""

    __tablename__ = "fund_entries"
    __table_args__ = (CheckConstraint("amount_fen <> 0", name="nonzero"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("fund_postings.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("fund_accounts.id"), index=True)
    amount_fen: Mapped[int]

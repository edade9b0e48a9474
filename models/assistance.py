"""家庭经济状况核对: a county's assistance lines, and each household check with its figures.

The lines (低保标准, 低保边缘 multiple, 特困 standard, asset limit, 刚性支出 share) are
data per county with the day they take effect. A check records every member's income,
assets, spending and situation; amounts and situations are sealed at rest.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import (
    Base,
    EncryptedJSON,
    EncryptedString,
    EncryptedText,
    Timestamped,
    UTCDateTime,
    enum_values,
)

CHECK_STATUSES = ("proposed", "confirmed", "overridden")
ITEM_KINDS = ("income", "asset", "expense", "situation")
# What a member's items may be, by kind; income is 元/月, assets 元, spending 元/近12个月.
ITEMS = {
    "income": {"wage": "工资", "pension": "养老金", "other_income": "其他收入"},
    "asset": {"deposit": "存款理财"},
    "expense": {"medical": "医疗自付", "education": "教育支出"},
    "situation": {"serious_illness": "患重病", "lost_work": "失业", "no_work_capacity": "无劳动能力",
                  "no_supporter": "无赡养抚养人"},
}


class AssistanceLine(Base, Timestamped):
    """A county's standards from a day on: the lines a household check is measured against."""

    __tablename__ = "assistance_lines"
    __table_args__ = (UniqueConstraint("county_id", "effective_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    effective_from: Mapped[date] = mapped_column(Date)
    dibao_month_fen: Mapped[int]  # 低保标准, per person per month
    edge_multiple_pct: Mapped[int]  # 低保边缘: per-capita income below this % of 低保标准
    tekun_month_fen: Mapped[int]  # 特困人员基本生活标准, per person per month
    asset_limit_months: Mapped[int]  # per-capita deposits at most this many months of 低保标准
    rigid_share_pct: Mapped[int]  # 刚性支出: a year's medical + education above this % of income
    source: Mapped[str] = mapped_column(EncryptedText())  # the policy document, typed by staff
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))


class HouseholdCheck(Base, Timestamped):
    """One 核对 of a household: figures, the proposed tier, and staff's decision."""

    __tablename__ = "household_checks"
    __table_args__ = (
        CheckConstraint(f"status IN ({enum_values(CHECK_STATUSES)})", name="status"),
        Index("ix_household_checks_household", "household_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))  # the head's person id
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("assistance_lines.id"))
    # members, income_month_fen, per_capita_fen, assets_fen, expense_year_fen, lines used
    figures: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON())
    proposed_tier: Mapped[str | None] = mapped_column(String(32))
    proposal_reason: Mapped[str] = mapped_column(EncryptedText())
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    tier: Mapped[str | None] = mapped_column(String(32))
    override_reason: Mapped[str | None] = mapped_column(EncryptedText())
    review_due: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    items: Mapped[list[HouseholdCheckItem]] = relationship(
        cascade="all, delete-orphan", order_by="HouseholdCheckItem.id")


class HouseholdCheckItem(Base):
    """One member's income item, asset, spending or situation in a check (amount sealed)."""

    __tablename__ = "household_check_items"
    __table_args__ = (CheckConstraint(f"kind IN ({enum_values(ITEM_KINDS)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("household_checks.id", ondelete="CASCADE"),
                                          index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    item: Mapped[str] = mapped_column(EncryptedString(256))
    amount: Mapped[str | None] = mapped_column(EncryptedString(256))  # fen, as text

    @property
    def amount_fen(self) -> int:
        return int(self.amount or 0)

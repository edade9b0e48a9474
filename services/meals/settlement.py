"""The monthly settlement per canteen: bookings, meals served and subsidy by tier, as CSV.

Only served meals are settled: a no-show's subsidy is not paid to the canteen. The
subsidy a charity fund paid is shown under the total, fund by fund, so the public
budget does not pay it again.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from core.errors import ValidationFailed
from models.funds import CharityFund, FundPosting
from models.meals import MealBooking
from models.person import TIER_NAMES, Person
from services.access.audit import record_access
from services.access.checks import require_staff_for
from services.meals.canteens import get_canteen

NO_TIER = "无困难类别"
HEADER = ["类别", "订餐单数", "已用餐单数", "未到单数", "已用餐份数", "结算补贴（元）", "老人实付（元）"]


@dataclass
class TierLine:
    """One tier's month at one canteen."""

    tier: str
    bookings: int = 0
    served: int = 0
    no_show: int = 0
    served_portions: int = 0
    subsidy_fen: int = 0
    payable_fen: int = 0

    def add(self, other: TierLine) -> None:
        for name in ("bookings", "served", "no_show", "served_portions", "subsidy_fen",
                     "payable_fen"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self) -> list[str]:
        return [self.tier, str(self.bookings), str(self.served), str(self.no_show),
                str(self.served_portions), _yuan_cell(self.subsidy_fen),
                _yuan_cell(self.payable_fen)]


def _yuan_cell(fen: int) -> str:
    return f"{fen / 100:.2f}"


def parse_month(month: str) -> tuple[date, date]:
    """Turn YYYY-MM into the first day of that month and of the next."""
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise ValidationFailed("月份格式应为 YYYY-MM，例如 2026-11。")
    if not 2000 <= int(month[:4]) <= 2999:
        raise ValidationFailed("月份不对，请填写例如 2026-11。")
    first = date(int(month[:4]), int(month[5:]), 1)
    nxt = date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)
    return first, nxt


def settle_month(session: Session, *, canteen_id: int, month: str) -> list[TierLine]:
    """Add up a canteen's month by verified tier (the tier that counted when booked)."""
    first, nxt = parse_month(month)
    served = MealBooking.status == "served"

    def total(column: Any, when: Any = served) -> Any:
        return func.coalesce(func.sum(case((when, column), else_=0)), 0)

    stmt = (
        select(MealBooking.economic_tier, func.count(), total(1), total(1, MealBooking.status == "no_show"),
               total(MealBooking.count), total(MealBooking.subsidy_fen),
               total(MealBooking.payable_fen))
        .where(MealBooking.canteen_id == canteen_id, MealBooking.day >= first,
               MealBooking.day < nxt, MealBooking.status != "cancelled")
        .group_by(MealBooking.economic_tier)
    )
    lines = [TierLine(TIER_NAMES.get(tier or "", NO_TIER), int(n), int(s), int(ns),
                      int(sp), int(sub), int(pay))
             for tier, n, s, ns, sp, sub, pay in session.execute(stmt)]
    return sorted(lines, key=lambda line: (line.tier == NO_TIER, line.tier))


def fund_paid_subsidies(session: Session, *, canteen_id: int, month: str) -> list[tuple[str, int]]:
    """Return, per charity fund, the subsidy of served meals it paid (not the public budget)."""
    first, nxt = parse_month(month)
    stmt = (select(CharityFund.name, func.sum(FundPosting.amount_fen))
            .join(MealBooking, MealBooking.id == FundPosting.booking_id)
            .join(CharityFund, CharityFund.id == FundPosting.fund_id)
            .where(FundPosting.kind == "meal_subsidy", MealBooking.canteen_id == canteen_id,
                   MealBooking.status == "served", MealBooking.day >= first, MealBooking.day < nxt)
            .group_by(CharityFund.name).order_by(CharityFund.name))
    return [(name, int(fen)) for name, fen in session.execute(stmt)]


def monthly_settlement_csv(session: Session, *, actor: Person, canteen_id: int,
                           month: str) -> str:
    """Export a canteen's monthly settlement as CSV for the community's staff (audited)."""
    canteen = get_canteen(session, canteen_id=canteen_id)
    require_staff_for(actor, canteen.community_id)
    lines = settle_month(session, canteen_id=canteen.id, month=month)
    total = TierLine("合计")
    for line in lines:
        total.add(line)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["助餐点", canteen.name, "月份", month])
    writer.writerow(HEADER)
    writer.writerows(line.row() for line in [*lines, total])
    for fund, fen in fund_paid_subsidies(session, canteen_id=canteen.id, month=month):
        writer.writerow([f"其中由{fund}支付", "", "", "", "", _yuan_cell(fen), ""])
    record_access(session, actor_id=actor.id, action="export", subject_type="canteen",
                  subject_id=canteen.id, fields=["economic_tier"], detail={"month": month})
    return out.getvalue()

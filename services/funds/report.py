"""What a fund paid for: donations in, meals and projects out, by month; never a beneficiary's name."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from core.crypto import mask_name
from models.funds import FUND_KIND_NAMES, CharityFund, FundDonation, FundPosting, FundProjectPayment
from models.meals import Canteen, MealBooking
from models.person import Person
from models.region import Organisation
from models.rights import ERASED_TEXT
from services.access.audit import record_access
from services.access.checks import is_staff
from services.funds.funds import get_fund
from services.funds.ledger import fund_accounts


@dataclass(frozen=True)
class MealMonth:
    """Meals a fund paid for in one month at one canteen (refunded bookings left out)."""

    month: str
    canteen: str
    meals: int  # drawn and not refunded: eaten, still to come, or missed (no-show)
    served: int  # of which eaten
    amount_fen: int


@dataclass(frozen=True)
class DonationLine:
    donor: str  # masked: 张*
    amount_fen: int
    received_on: date


@dataclass(frozen=True)
class ProjectLine:
    title: str
    amount_fen: int
    paid_on: date


@dataclass
class FundReport:
    """A fund's account of itself: donated = balance + meals + projects, to the fen."""

    fund: CharityFund
    kind_name: str
    organisation: str
    donated_fen: int
    balance_fen: int
    meals_fen: int
    projects_fen: int
    meals: list[MealMonth] = field(default_factory=list)
    donations: list[DonationLine] = field(default_factory=list)
    projects: list[ProjectLine] = field(default_factory=list)

    @property
    def meals_count(self) -> int:
        return sum(m.meals for m in self.meals)


def _donor(name: str) -> str:
    return "已注销" if name == ERASED_TEXT else mask_name(name)


def _meal_months(session: Session, fund_id: int) -> list[MealMonth]:
    refund = aliased(FundPosting)
    rows = session.execute(
        select(MealBooking.day, Canteen.name, MealBooking.status, FundPosting.amount_fen)
        .join(MealBooking, MealBooking.id == FundPosting.booking_id)
        .join(Canteen, Canteen.id == MealBooking.canteen_id)
        .outerjoin(refund, (refund.booking_id == FundPosting.booking_id)
                   & (refund.kind == "meal_refund"))
        .where(FundPosting.fund_id == fund_id, FundPosting.kind == "meal_subsidy",
               refund.id.is_(None)))
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for day, canteen, status, amount in rows:
        entry = totals[(f"{day:%Y-%m}", canteen)]
        entry[0] += 1
        entry[1] += status == "served"
        entry[2] += amount
    return [MealMonth(month, canteen, n, served, fen)
            for (month, canteen), (n, served, fen) in sorted(totals.items())]


def get_fund_report(session: Session, *, actor: Person, fund_id: int) -> FundReport:
    """Report what a fund received and what it paid for (its charity, staff and donors)."""
    fund = get_fund(session, actor=actor, fund_id=fund_id)
    accounts = fund_accounts(session, fund_id=fund.id)
    donations = list(session.scalars(select(FundDonation).where(FundDonation.fund_id == fund.id)
                                     .order_by(FundDonation.received_on, FundDonation.id)))
    projects = list(session.scalars(select(FundProjectPayment).where(
        FundProjectPayment.fund_id == fund.id).order_by(FundProjectPayment.paid_on)))
    org = session.get_one(Organisation, fund.organisation_id)
    if is_staff(actor):
        record_access(session, actor_id=actor.id, action="read", subject_type="charity_fund",
                      subject_id=fund.id, fields=["donor_name"], detail={"report": True})
    return FundReport(
        fund=fund, kind_name=FUND_KIND_NAMES[fund.kind], organisation=org.name,
        donated_fen=-accounts["donors"].balance, balance_fen=accounts["balance"].balance,
        meals_fen=accounts["meals"].balance, projects_fen=accounts["projects"].balance,
        meals=_meal_months(session, fund.id),
        donations=[DonationLine(_donor(d.donor_name), d.amount_fen, d.received_on) for d in donations],
        projects=[ProjectLine(p.title, p.amount_fen, p.paid_on) for p in projects])

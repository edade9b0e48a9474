"""Demo charity fund: 示范县慈善总会's 爱心助餐专项基金, two donations, and the meal subsidy it pays.

The fund's rule (AGE60_DISABLED_FUND) gives people of 60 and over with a disability 5元 a
meal instead of the public 3元 while the fund lasts; no demo resident has a disability, so
the other demo figures are unchanged until staff mark one.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.funds import CharityFund
from models.meals import SubsidyRule
from models.region import Organisation
from services.funds import create_fund, record_donation

FUND_CODE = "AXZC"
RULE_CODE = "AGE60_DISABLED_FUND"
DONATIONS = [("示范县爱心企业", 300_000, date(2026, 10, 15)), ("张建华", 200_000, date(2026, 11, 2))]


def load(session: Session) -> dict[str, int]:
    """Create the demo fund with its donations and its meal subsidy rule (once)."""
    fund = session.scalar(select(CharityFund).where(CharityFund.code == FUND_CODE))
    if fund is None:
        charity = session.scalars(select(Organisation).where(Organisation.code == "ORG-CS")).one()
        fund = create_fund(session, actor=None, organisation_id=charity.id, code=FUND_CODE,
                           name="爱心助餐专项基金", kind="special", purpose="补贴残疾老人助餐")
        for donor, amount, day in DONATIONS:
            record_donation(session, actor=None, fund_id=fund.id, donor_name=donor,
                            amount_fen=amount, received_on=day)
    if session.scalar(select(SubsidyRule.id).where(SubsidyRule.code == RULE_CODE)) is None:
        session.add(SubsidyRule(code=RULE_CODE, min_age=60, requires_disability=True, amount_fen=500,
                                monthly_cap_fen=15_000, fund_id=fund.id))
        session.flush()
    return {"funds": 1, "fund_donations": len(DONATIONS)}

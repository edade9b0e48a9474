"""Charity funds and donations (专项基金 / 冠名基金): the verbs the API, console and CLI call."""

from services.funds.funds import (
    create_fund,
    get_fund,
    list_fund_charities,
    list_funds,
    may_keep,
    pay_fund_project,
    record_donation,
)
from services.funds.ledger import (
    FundEmpty,
    fund_balance_fen,
    reconcile_funds,
    refund_meal_subsidy,
)
from services.funds.report import FundReport, get_fund_report

__all__ = [
    "FundEmpty", "FundReport", "create_fund", "fund_balance_fen", "get_fund", "get_fund_report",
    "list_fund_charities", "list_funds", "may_keep", "pay_fund_project", "reconcile_funds", "record_donation", "refund_meal_subsidy",
]

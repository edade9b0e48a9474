"""Charity funds (a charity's admins and staff) and filing with civil affairs (county staff)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from flask import Response, redirect, url_for
from pydantic import Field

from console import bp
from console.pages import form, render
from console.session import current_member, current_staff, flash, member_page, staff_page
from core.uow import db
from core.validation import Body
from core.web import attachment
from models.person import TIER_NAMES
from services import funds
from services.access.checks import is_staff, staff_communities
from services.assistance import filing
from services.meals import subsidy_rules

Yuan = Decimal


class FundForm(Body):
    organisation_id: int
    code: str = Field(min_length=1, max_length=24)
    name: str = Field(min_length=1, max_length=64)
    kind: Literal["special", "named"]
    purpose: str | None = Field(default=None, max_length=500)


class DonationForm(Body):
    donor_name: str = Field(min_length=1, max_length=64)
    amount_yuan: Yuan = Field(gt=0, le=100_000_000, decimal_places=2)
    received_on: date
    note: str | None = Field(default=None, max_length=200)


class ProjectForm(Body):
    title: str = Field(min_length=1, max_length=128)
    amount_yuan: Yuan = Field(gt=0, le=100_000_000, decimal_places=2)
    paid_on: date


class FundRuleForm(Body):
    code: str = Field(min_length=1, max_length=24)
    amount_yuan: Yuan = Field(ge=0, le=100, decimal_places=2)
    cap_yuan: Yuan = Field(ge=0, le=10000, decimal_places=2)
    from_day: date
    min_age: int | None = Field(default=None, ge=0, le=150)
    economic_tier: str | None = Field(default=None, max_length=32)


class FilingForm(Body):
    since: date


def _fen(yuan: Decimal) -> int:
    return int(yuan * 100)


@bp.get("/funds", endpoint="funds")
@member_page
def funds_page() -> Any:
    """List the funds the signed-in person keeps or oversees, with a form to open one."""
    member = current_member()
    found = funds.list_funds(db(), actor=member)
    balances = {f.id: funds.fund_balance_fen(db(), fund_id=f.id) for f in found}
    return render("console/funds.html", funds=found, balances=balances,
                  charities=funds.list_fund_charities(db(), actor=member))


@bp.post("/funds", endpoint="create_fund")
@member_page
def create_fund() -> Any:
    """Open a named fund."""
    body = form(FundForm)
    fund = funds.create_fund(db(), actor=current_member(), **body.model_dump())
    flash(f"已设立{fund.name}。")
    return redirect(url_for("console.fund", fund_id=fund.id))


@bp.get("/funds/<int:fund_id>", endpoint="fund")
@member_page
def fund_page(fund_id: int) -> Any:
    """Show what a fund received and paid for, with its forms."""
    member = current_member()
    report = funds.get_fund_report(db(), actor=member, fund_id=fund_id)
    rules = [r for r in subsidy_rules.list_all_subsidy_rules(db(), actor=member)
             if r.fund_id == fund_id] if is_staff(member) else []
    return render("console/fund.html", report=report, rules=rules, tier_names=TIER_NAMES,
                  may_keep=funds.may_keep(member, report.fund),
                  county_staff=is_staff(member) and staff_communities(member) is None)


@bp.post("/funds/<int:fund_id>/donations", endpoint="fund_donation")
@member_page
def record_donation(fund_id: int) -> Any:
    """Record a donation to a fund."""
    body = form(DonationForm)
    funds.record_donation(db(), actor=current_member(), fund_id=fund_id, donor_name=body.donor_name,
                          amount_fen=_fen(body.amount_yuan), received_on=body.received_on,
                          note=body.note)
    flash(f"已登记捐款{body.amount_yuan:.2f}元。")
    return redirect(url_for("console.fund", fund_id=fund_id))


@bp.post("/funds/<int:fund_id>/projects", endpoint="fund_project")
@member_page
def pay_project(fund_id: int) -> Any:
    """Pay a project from a fund."""
    body = form(ProjectForm)
    funds.pay_fund_project(db(), actor=current_member(), fund_id=fund_id, title=body.title,
                           amount_fen=_fen(body.amount_yuan), paid_on=body.paid_on)
    flash(f"已从基金支付{body.amount_yuan:.2f}元。")
    return redirect(url_for("console.fund", fund_id=fund_id))


@bp.post("/funds/<int:fund_id>/subsidy-rule", endpoint="fund_subsidy_rule")
@staff_page
def add_fund_rule(fund_id: int) -> Any:
    """Add a meal subsidy rule paid by this fund (county staff)."""
    body = form(FundRuleForm)
    funds.get_fund(db(), actor=current_staff(), fund_id=fund_id)
    subsidy_rules.add_subsidy_rule(
        db(), actor=current_staff(), code=body.code, amount_fen=_fen(body.amount_yuan),
        monthly_cap_fen=_fen(body.cap_yuan), from_day=body.from_day, min_age=body.min_age,
        economic_tier=body.economic_tier, fund_id=fund_id)
    flash(f"已加上由本基金支付的助餐补贴，{body.from_day:%m月%d日}起生效。")
    return redirect(url_for("console.fund", fund_id=fund_id))


@bp.get("/filing", endpoint="filing")
@staff_page
def filing_page() -> Any:
    """List the filing batches, with the form for the next one."""
    return render("console/filing.html",
                  batches=filing.list_filing_batches(db(), actor=current_staff()))


@bp.post("/filing", endpoint="export_filing")
@staff_page
def export_filing() -> Any:
    """File the records not filed yet as the next batch."""
    body = form(FilingForm)
    batch = filing.export_filing_batch(db(), actor=current_staff(), since=body.since)
    flash("没有新的记录要报送。" if batch is None else f"已生成第{batch.number}批，共{batch.rows}条。")
    return redirect(url_for("console.filing"))


@bp.get("/filing/<int:number>.csv", endpoint="filing_file")
@staff_page
def filing_file(number: int) -> Any:
    """Download batch N, byte for byte as first exported (audited)."""
    batch, data = filing.get_filing_batch_file(db(), actor=current_staff(), number=number)
    response = Response(data, mimetype="text/csv")
    response.headers["Content-Disposition"] = attachment(filing.filing_file_name(batch))
    return response

"""Households by risk (家庭监测), and a household's 家庭经济状况核对: figures, proposal, decision."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from flask import redirect, request, url_for
from pydantic import Field

from console import bp
from console.pages import chosen_community, form, render
from console.session import current_staff, flash, staff_page
from core import clock
from core.errors import ValidationFailed
from miniprogram_api.uow import db
from miniprogram_api.validation import Body
from models.assistance import ITEMS
from models.person import TIER_NAMES
from services import assistance, household_signals, monitoring, tiers
from services.households import household_members

LEVEL_NAMES = {"critical": "紧急", "high": "高", "medium": "中", "low": "低"}
MONEY_KINDS = (("income", "元/月"), ("asset", "元"), ("expense", "元/近12个月"))


class DecideForm(Body):
    tier: str = Field(max_length=32)
    reason: str = Field(default="", max_length=500)


@bp.get("/households/risk", endpoint="household_risk")
@staff_page
def household_risk_page() -> Any:
    """List the community's households by risk, with the signals that put them there."""
    community = chosen_community()
    risks = household_signals.list_household_risks(db(), actor=current_staff(),
                                                   community_id=community.id)
    rules = [s for s in monitoring.list_indicators(db()) if s.code in household_signals.HOUSEHOLD_CODES]
    return render("console/household_risk.html", community=community, risks=risks,
                  levels=LEVEL_NAMES, rules=rules)


def _fen(raw: str, label: str) -> int:
    text = raw.strip().replace(",", "").replace("，", "").removesuffix("元") or "0"
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(f"{label}请填数字（元），比如 1200。") from None
    if amount < 0 or amount >= Decimal(assistance.MAX_FEN) / 100:
        raise ValidationFailed(f"{label}金额不对，请填0或正数（元）。")
    return int((amount * 100).to_integral_value())


def _member_facts(person_ids: list[int]) -> list[assistance.MemberFacts]:
    facts = []
    for pid in person_ids:
        amounts: dict[str, dict[str, int]] = {}
        for kind, _unit in MONEY_KINDS:
            amounts[kind] = {item: _fen(request.form.get(f"m{pid}_{item}", ""), name)
                             for item, name in ITEMS[kind].items()}
        situations = frozenset(s for s in ITEMS["situation"] if request.form.get(f"m{pid}_{s}"))
        facts.append(assistance.MemberFacts(pid, amounts["income"], amounts["asset"],
                                            amounts["expense"], situations))
    return facts


def _household_of(person_id: int) -> list[Any]:
    person = tiers.get_resident(db(), actor=current_staff(), person_id=person_id)
    if person.household_id is None:
        return [person]
    return household_members(db(), household_id=person.household_id)


@bp.get("/residents/<int:person_id>/check", endpoint="household_check")
@staff_page
def household_check_page(person_id: int) -> Any:
    """Show the form for a household's 核对, the county's line, and the household's past checks."""
    staff = current_staff()
    members = _household_of(person_id)
    person = next(m for m in members if m.id == person_id)
    county_id = assistance.county_of(db(), community_id=person.community_id)
    line = assistance.line_on(db(), county_id=county_id, day=clock.today()) if county_id else None
    checks = assistance.list_checks(db(), actor=staff, person_id=person_id)
    for check in checks[:5]:
        assistance.get_check(db(), actor=staff, check_id=check.id)  # audits the figures shown
    return render("console/household_check.html", person=person, members=members, line=line,
                  checks=checks[:5], items=ITEMS, money_kinds=MONEY_KINDS,
                  tier_names=TIER_NAMES, today=clock.today())


@bp.post("/residents/<int:person_id>/check")
@staff_page
def start_household_check(person_id: int) -> Any:
    """Record every member's figures and show the proposed tier."""
    members = _household_of(person_id)
    check = assistance.start_check(db(), actor=current_staff(), person_id=person_id,
                                   members=_member_facts([m.id for m in members]))
    proposed = TIER_NAMES.get(check.proposed_tier or "", "暂不认定")
    flash(f"已算好：{check.proposal_reason}。建议：{proposed}。请确认或改选。")
    return redirect(url_for("console.household_check", person_id=person_id) + f"#check-{check.id}")


@bp.post("/checks/<int:check_id>/decide", endpoint="decide_household_check")
@staff_page
def decide_household_check(check_id: int) -> Any:
    """Confirm the proposed tier or choose another with a reason; the members' tiers follow."""
    body = form(DecideForm)
    tier = None if body.tier == tiers.NO_TIER else body.tier
    check = assistance.decide_check(db(), actor=current_staff(), check_id=check_id, tier=tier,
                                    reason=body.reason)
    d = check.review_due
    due = f"，下次复核日期{d.year}年{d.month}月{d.day}日" if d else ""
    flash(f"已记录核对结果：{TIER_NAMES.get(tier or '', '不认定')}{due}。")
    return redirect(url_for("console.resident", person_id=check.household_id))

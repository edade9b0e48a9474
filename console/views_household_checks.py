"""Households by risk (家庭监测), and a household's 家庭经济状况核对: figures, proposal, decision."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import redirect, request, url_for
from pydantic import Field

from console import bp
from console.pages import chosen_community, form, render
from console.session import current_staff, flash, staff_page
from core import clock
from core.errors import ValidationFailed
from core.uow import db
from core.validation import Body
from models.assistance import ITEMS
from models.person import TIER_NAMES
from services.assistance import means_check, tiers
from services.monitoring import household_signals, indicators
from services.people.households import household_members

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
    rules = [s for s in indicators.list_indicators(db()) if s.code in household_signals.HOUSEHOLD_CODES]
    return render("console/household_risk.html", community=community, risks=risks,
                  levels=LEVEL_NAMES, rules=rules,
                  supervisor="supervisor" in current_staff().role_names())


def _fen(raw: str, label: str) -> int:
    text = raw.strip().replace(",", "").replace("，", "").removesuffix("元") or "0"
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(f"{label}请填数字（元），比如 1200。") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal(means_check.MAX_FEN) / 100:
        raise ValidationFailed(f"{label}金额不对，请填0或正数（元）。")
    return int((amount * 100).to_integral_value())


def _member_facts(person_ids: list[int]) -> list[means_check.MemberFacts]:
    facts = []
    for pid in person_ids:
        amounts: dict[str, dict[str, int]] = {}
        for kind, _unit in MONEY_KINDS:
            amounts[kind] = {item: _fen(request.form.get(f"m{pid}_{item}", ""), name)
                             for item, name in ITEMS[kind].items()}
        situations = frozenset(s for s in ITEMS["situation"] if request.form.get(f"m{pid}_{s}"))
        facts.append(means_check.MemberFacts(pid, amounts["income"], amounts["asset"],
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
    county_id = means_check.county_of(db(), community_id=person.community_id)
    line = means_check.line_on(db(), county_id=county_id, day=clock.today()) if county_id else None
    checks = means_check.list_checks(db(), actor=staff, person_id=person_id)
    for check in checks[:5]:
        means_check.get_check(db(), actor=staff, check_id=check.id)  # audits the figures shown
    return render("console/household_check.html", person=person, members=members, line=line,
                  checks=checks[:5], items=ITEMS, money_kinds=MONEY_KINDS,
                  tier_names=TIER_NAMES, today=clock.today())


@bp.post("/residents/<int:person_id>/check")
@staff_page
def start_household_check(person_id: int) -> Any:
    """Record every member's figures and show the proposed tier."""
    members = _household_of(person_id)
    check = means_check.start_check(db(), actor=current_staff(), person_id=person_id,
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
    check = means_check.decide_check(db(), actor=current_staff(), check_id=check_id, tier=tier,
                                    reason=body.reason)
    d = check.review_due
    due = f"，下次复核日期{d.year}年{d.month}月{d.day}日" if d else ""
    flash(f"已记录核对结果：{TIER_NAMES.get(tier or '', '不认定')}{due}。")
    return redirect(url_for("console.resident", person_id=check.household_id))


class RuleForm(Body):
    level: str = Field(max_length=16)
    threshold: int = Field(ge=1, le=1000)
    window_days: int = Field(default=0, ge=0, le=365)
    enabled: bool = False


@bp.post("/households/rules/<code>", endpoint="household_rule")
@staff_page
def change_household_rule(code: str) -> Any:
    """Change one household rule's level, threshold, window or switch (supervisors only)."""
    body = form(RuleForm)
    spec = indicators.update_indicator(db(), actor=current_staff(), code=code, level=body.level,
                                       threshold=body.threshold, window_days=body.window_days,
                                       enabled=body.enabled)
    flash(f"已保存规则：{spec.name}，阈值{spec.threshold}，统计天数{spec.window_days}。")
    return redirect(url_for("console.household_risk", community_id=request.args.get("community_id")))


class LineForm(Body):
    effective_from: date
    dibao_yuan: Decimal = Field(gt=0, lt=1_000_000)
    edge_multiple_pct: int = Field(default=150, ge=100, le=300)
    tekun_yuan: Decimal = Field(gt=0, lt=1_000_000)
    asset_limit_months: int = Field(default=24, ge=0, le=240)
    rigid_share_pct: int = Field(default=50, ge=1, le=100)
    source: str = Field(min_length=1, max_length=255)


@bp.get("/assistance-lines", endpoint="assistance_lines")
@staff_page
def assistance_lines_page() -> Any:
    """Show the county's lines (低保标准 and the rest) by the day they take effect."""
    community = chosen_community()
    county_id = means_check.county_of(db(), community_id=community.id)
    lines = means_check.list_lines(db(), county_id=county_id) if county_id else []
    return render("console/assistance_lines.html", community=community, lines=lines,
                  today=clock.today())


@bp.post("/assistance-lines")
@staff_page
def add_assistance_line() -> Any:
    """Store the county's lines from a day on (supervisors only)."""
    community = chosen_community()
    body = form(LineForm)
    county_id = means_check.county_of(db(), community_id=community.id)
    if county_id is None:
        raise ValidationFailed("找不到这个社区所在的县。")
    means_check.set_line(db(), actor=current_staff(), county_id=county_id,
                        effective_from=body.effective_from,
                        dibao_month_fen=int(body.dibao_yuan * 100),
                        edge_multiple_pct=body.edge_multiple_pct,
                        tekun_month_fen=int(body.tekun_yuan * 100),
                        asset_limit_months=body.asset_limit_months,
                        rigid_share_pct=body.rigid_share_pct, source=body.source)
    d = body.effective_from
    flash(f"已保存：{d.year}年{d.month}月{d.day}日起低保标准每人每月{body.dibao_yuan}元。")
    return redirect(url_for("console.assistance_lines", community_id=community.id))

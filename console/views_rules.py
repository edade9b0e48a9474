"""What staff keep as data: who takes which help (分派规则) and the meal subsidy rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import redirect, url_for
from pydantic import Field

from console import bp
from console.pages import form, render
from console.session import current_staff, flash, staff_page
from core import clock
from core.uow import db
from core.validation import Body
from models.help_requests import CATEGORY_NAMES
from models.person import TIER_NAMES
from services.assistance import resources
from services.help_requests import routing
from services.meals import subsidy_rules
from services.meals.subsidies import rule_phrase
from services.operations.monthly_figures import list_staff_community_choices


class RouteForm(Body):
    category: str | None = Field(default=None, max_length=16)
    community_id: int | None = None
    organisation_id: int


class AmountsForm(Body):
    amount_yuan: Decimal = Field(ge=0, le=100, decimal_places=2)
    cap_yuan: Decimal = Field(ge=0, le=10000, decimal_places=2)
    from_day: date


class NewRuleForm(AmountsForm):
    code: str = Field(min_length=1, max_length=24)
    min_age: int | None = Field(default=None, ge=0, le=150)
    economic_tier: str | None = Field(default=None, max_length=32)


class EndForm(Body):
    last_day: date


def _fen(yuan: Decimal) -> int:
    return int(yuan * 100)


@bp.get("/rules", endpoint="rules")
@staff_page
def rules_page() -> Any:
    """Show the routing rules and the subsidy rules, each with its editor."""
    staff = current_staff()
    organisations = resources.list_county_organisations(db(), actor=staff)
    communities = list_staff_community_choices(db(), actor=staff)
    names = {o.id: o.name for o in organisations}
    places = {c.id: c.name for c in communities}
    found = routing.list_routing_rules(db(), actor=staff)
    return render(
        "console/rules.html", organisations=organisations, communities=communities,
        routes=[(r, routing.describe_rule(r, organisations=names, communities=places))
                for r in found],
        subsidies=[(r, rule_phrase(r)) for r in subsidy_rules.list_all_subsidy_rules(
            db(), actor=staff)],
        category_names=CATEGORY_NAMES, tier_names=TIER_NAMES, today=clock.today())


@bp.post("/rules/routing")
@staff_page
def set_route() -> Any:
    """Create or replace the rule for a (category, community)."""
    body = form(RouteForm)
    routing.change_routing_rule(db(), actor=current_staff(), category=body.category,
                                community_id=body.community_id,
                                organisation_id=body.organisation_id)
    flash("分派规则已保存，以后的求助按新规则分派。")
    return redirect(url_for("console.rules"))


@bp.post("/rules/routing/<int:rule_id>/delete")
@staff_page
def delete_route(rule_id: int) -> Any:
    """Delete a routing rule."""
    routing.remove_routing_rule(db(), actor=current_staff(), rule_id=rule_id)
    flash("分派规则已删除。")
    return redirect(url_for("console.rules"))


@bp.post("/rules/subsidies/<int:rule_id>")
@staff_page
def change_subsidy(rule_id: int) -> Any:
    """Give a subsidy rule new amounts from a day on (the old amounts stay for earlier meals)."""
    body = form(AmountsForm)
    new = subsidy_rules.change_subsidy_rule(
        db(), actor=current_staff(), rule_id=rule_id, amount_fen=_fen(body.amount_yuan),
        monthly_cap_fen=_fen(body.cap_yuan), from_day=body.from_day)
    flash(f"已调整：{body.from_day.month}月{body.from_day.day}日起每餐补贴"
          f"{new.amount_fen / 100:g}元，之前订的餐不变。")
    return redirect(url_for("console.rules"))


@bp.post("/rules/subsidies")
@staff_page
def add_subsidy() -> Any:
    """Add a subsidy rule in force from a day."""
    body = form(NewRuleForm)
    subsidy_rules.add_subsidy_rule(
        db(), actor=current_staff(), code=body.code, amount_fen=_fen(body.amount_yuan),
        monthly_cap_fen=_fen(body.cap_yuan), from_day=body.from_day, min_age=body.min_age,
        economic_tier=body.economic_tier)
    flash("已添加补贴标准。")
    return redirect(url_for("console.rules"))


@bp.post("/rules/subsidies/<int:rule_id>/end")
@staff_page
def end_subsidy(rule_id: int) -> Any:
    """Stop a subsidy rule after a day."""
    body = form(EndForm)
    subsidy_rules.end_subsidy_rule(db(), actor=current_staff(), rule_id=rule_id,
                                   last_day=body.last_day)
    flash(f"这条补贴标准{body.last_day.month}月{body.last_day.day}日以后停用。")
    return redirect(url_for("console.rules"))

"""The layer rule (分层分类救助): what each category, urgency and tier gives; county staff change it."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from pydantic import Field

from console import bp
from console.pages import form, render
from console.session import current_staff, flash, staff_page
from core.uow import db
from core.validation import Body
from models.help_requests import CATEGORY_NAMES
from models.person import TIER_NAMES
from services.access.checks import staff_communities
from services.assistance import layers


class RuleForm(Body):
    rule_key: str = Field(max_length=48)
    layer: str = Field(max_length=16)


@bp.get("/layers", endpoint="layer_rules")
@staff_page
def layer_rules_page() -> Any:
    """Show the layer rule with its policy source; county-wide staff may change a row."""
    return render("console/layers.html", requests=layers.request_rules(db()),
                  tiers=layers.tier_rules(db()), source=layers.policy_source(),
                  may_change=staff_communities(current_staff()) is None,
                  category_names=CATEGORY_NAMES, tier_names=TIER_NAMES)


@bp.post("/layers")
@staff_page
def change_layer_rule() -> Any:
    """Change the layer one row of the rule gives (county-wide staff; audited)."""
    body = form(RuleForm)
    rule = layers.set_rule_layer(db(), actor=current_staff(), rule_key=body.rule_key,
                                 layer=body.layer)
    flash(f"已改：以后这一类按“{layers.layer_name(rule.layer)}”分层；已有的求助不变。")
    return redirect(url_for("console.layer_rules"))

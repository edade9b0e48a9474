"""分层分类救助: which assistance layer a request, resource or tier decision belongs to.

The rule is data (services/data/assistance_layers.json, with its policy
source): for a request, urgency first, then category; for a tier decision, the
tier. County-wide staff may change what one row gives (assistance_layer_rules,
audited); any staff member may change the layer of one request (audited, on
its timeline).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotAllowed, ValidationFailed
from models.console import AssistanceLayerRule
from models.help_requests import LAYER_GROUPS, LAYER_NAMES, LAYERS
from models.person import Person
from services.access.audit import record_access
from services.access.checks import require_staff_for, staff_communities

RULES = Path(__file__).resolve().parents[1] / "data" / "assistance_layers.json"


@dataclass(frozen=True)
class LayerRule:
    """One row of the rule: its key, when it applies, the policy's layer, staff's, and why."""

    key: str
    default: str
    why: str
    category: str | None = None
    urgency: str | None = None
    tier: str | None = None
    changed: str | None = None  # a staff change (assistance_layer_rules), else None

    @property
    def layer(self) -> str:
        return self.changed or self.default

    def applies(self, *, category: str, urgency: str) -> bool:
        return (self.category in (None, category)) and (self.urgency in (None, urgency))


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RULES.read_text(encoding="utf-8"))
    return data


def _changes(session: Session) -> dict[str, str]:
    return {r.rule_key: r.layer for r in session.scalars(select(AssistanceLayerRule))}


def request_rules(session: Session) -> list[LayerRule]:
    """Return the request rule with staff's changes, first match wins."""
    changes = _changes(session)
    rules = []
    for row in _data()["requests"]:
        key = f"urgency:{row['urgency']}" if row.get("urgency") else f"category:{row['category']}"
        rules.append(LayerRule(key=key, default=row["layer"], why=row["why"],
                               category=row.get("category"), urgency=row.get("urgency"),
                               changed=changes.get(key)))
    return rules


def tier_rules(session: Session) -> list[LayerRule]:
    """Return the tier rule with staff's changes, in the order of the tiers."""
    changes = _changes(session)
    return [LayerRule(key=f"tier:{tier}", default=layer, why=str(_data()["tiers_why"]), tier=tier,
                      changed=changes.get(f"tier:{tier}"))
            for tier, layer in _data()["tiers"].items()]


def policy_source() -> str:
    """Return the policy the layers come from."""
    return str(_data()["source"])


def layer_for_request(session: Session, *, category: str, urgency: str) -> str:
    """Return the layer the rule gives a request of this category and urgency."""
    for rule in request_rules(session):
        if rule.applies(category=category, urgency=urgency):
            return rule.layer
    return "emergency"  # the rule file ends with a catch-all; temporary aid is the policy's


def layer_for_tier(session: Session, *, tier: str | None) -> str | None:
    """Return the layer the rule gives a tier (None for no tier)."""
    if tier is None:
        return None
    return next((r.layer for r in tier_rules(session) if r.tier == tier), None)


def set_rule_layer(session: Session, *, actor: Person, rule_key: str,
                   layer: str) -> LayerRule:
    """Change the layer one row of the rule gives (county-wide staff only); audited."""
    require_staff_for(actor)
    if staff_communities(actor) is not None:
        raise NotAllowed("救助层级规则由县级工作人员调整。")
    rules = {r.key: r for r in request_rules(session) + tier_rules(session)}
    if rule_key not in rules:
        raise ValidationFailed(fields={"rule_key": "没有这条规则"})
    new = check_layer(layer)
    if new is None:
        raise ValidationFailed("请选择层级。", fields={"layer": "必填"})
    old = rules[rule_key].layer
    row = session.scalar(select(AssistanceLayerRule).where(
        AssistanceLayerRule.rule_key == rule_key))
    if row is None:
        row = AssistanceLayerRule(rule_key=rule_key, layer=new)
        session.add(row)
    row.layer, row.changed_by_id = new, actor.id
    session.flush()
    record_access(session, actor_id=actor.id, action="update", subject_type="layer_rule",
                  subject_id=row.id, fields=["layer"],
                  detail={"rule": rule_key, "from": old, "to": new})
    session.flush()
    return next(r for r in request_rules(session) + tier_rules(session) if r.key == rule_key)


def layer_name(layer: str | None) -> str:
    """Return the layer's Chinese name ("专项救助·医疗"), or 未分层."""
    return LAYER_NAMES.get(layer or "", "未分层")


def layer_group(layer: str | None) -> str:
    """Return the layer's group (基本生活救助 / 专项救助 / 急难型救助), or 未分层."""
    return LAYER_GROUPS.get(layer or "", "未分层")


def check_layer(layer: str | None, *, field: str = "layer") -> str | None:
    """Refuse a layer that is not one of LAYERS; empty means none."""
    if layer in (None, ""):
        return None
    if layer not in LAYERS:
        raise ValidationFailed(fields={field: "不是允许的取值"})
    return layer


"""Routing rules as data: (category, community) → the organisation and staff queue that take it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotAllowed, NotFound, ValidationFailed
from models.help_requests import CATEGORIES, CATEGORY_NAMES, HelpRoutingRule
from models.person import Person
from models.region import Community, Organisation
from services.access.audit import record_access
from services.access.checks import require_staff_for, staff_communities

DEFAULT_QUEUE = "default"


@dataclass(frozen=True)
class Route:
    """Where a request goes: an organisation (maybe none yet) and a staff queue."""

    organisation_id: int | None
    queue: str


def _specificity(rule: HelpRoutingRule) -> int:
    return (2 if rule.category is not None else 0) + (1 if rule.community_id is not None else 0)


def route_help_request(session: Session, *, category: str, community_id: int | None) -> Route:
    """Pick the most specific rule; without one, civil affairs takes it in the default queue."""
    stmt = select(HelpRoutingRule).where(
        (HelpRoutingRule.category == category) | HelpRoutingRule.category.is_(None),
        (HelpRoutingRule.community_id == community_id) | HelpRoutingRule.community_id.is_(None),
    )
    rules = sorted(session.scalars(stmt), key=_specificity, reverse=True)
    if rules:
        return Route(organisation_id=rules[0].organisation_id, queue=rules[0].queue)
    civil = session.scalar(
        select(Organisation.id).where(Organisation.kind == "civil_affairs").order_by(Organisation.id)
    )
    return Route(organisation_id=civil, queue=DEFAULT_QUEUE)


def set_routing_rule(
    session: Session,
    *,
    category: str | None,
    community_id: int | None,
    organisation_id: int,
    queue: str = DEFAULT_QUEUE,
) -> HelpRoutingRule:
    """Create or replace the rule for (category, community); None means any."""
    if category is not None and category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    rule = session.scalar(
        select(HelpRoutingRule).where(
            HelpRoutingRule.category.is_(None) if category is None
            else HelpRoutingRule.category == category,
            HelpRoutingRule.community_id.is_(None) if community_id is None
            else HelpRoutingRule.community_id == community_id,
        )
    )
    if rule is None:
        rule = HelpRoutingRule(category=category, community_id=community_id)
        session.add(rule)
    rule.organisation_id = organisation_id
    rule.queue = queue
    session.flush()
    return rule


def _may_edit(actor: Person | None, community_id: int | None) -> None:
    """Staff edit their communities' rules; county-wide rules need county-wide staff."""
    if actor is None:  # the operator's CLI
        return
    require_staff_for(actor, community_id)
    if community_id is None and staff_communities(actor) is not None:
        raise NotAllowed("全县通用的规则，只有县级工作人员可以改。")


def list_routing_rules(session: Session, *, actor: Person) -> list[HelpRoutingRule]:
    """Return the rules a staff member can see: their communities' and the county-wide ones."""
    communities = require_staff_for(actor)
    stmt = select(HelpRoutingRule)
    if communities is not None:
        stmt = stmt.where(HelpRoutingRule.community_id.in_(communities)
                          | HelpRoutingRule.community_id.is_(None))
    rules = list(session.scalars(stmt))
    return sorted(rules, key=lambda r: (r.community_id or 0, r.category or ""))


def change_routing_rule(session: Session, *, actor: Person | None, category: str | None,
                        community_id: int | None, organisation_id: int) -> HelpRoutingRule:
    """Set who takes a category in a community (None: any), audited; later requests follow it."""
    if category is not None and category not in CATEGORIES:
        raise ValidationFailed(fields={"category": "不是允许的取值"})
    if community_id is not None and session.get(Community, community_id) is None:
        raise ValidationFailed(fields={"community_id": "没有这个社区"})
    if session.get(Organisation, organisation_id) is None:
        raise ValidationFailed(fields={"organisation_id": "没有这个单位"})
    _may_edit(actor, community_id)
    before = session.scalar(select(HelpRoutingRule.organisation_id).where(
        HelpRoutingRule.category.is_(None) if category is None
        else HelpRoutingRule.category == category,
        HelpRoutingRule.community_id.is_(None) if community_id is None
        else HelpRoutingRule.community_id == community_id))
    rule = set_routing_rule(session, category=category, community_id=community_id,
                            organisation_id=organisation_id)
    record_access(session, actor_id=actor.id if actor else None, action="change",
                  subject_type="routing_rule", subject_id=rule.id, fields=["organisation_id"],
                  detail={"category": category, "community_id": community_id,
                          "from": before, "to": organisation_id})
    return rule


def remove_routing_rule(session: Session, *, actor: Person | None, rule_id: int) -> None:
    """Delete a rule (requests then follow the next most specific one), audited."""
    rule = session.get(HelpRoutingRule, rule_id)
    if rule is None:
        raise NotFound("没有这条规则。")
    _may_edit(actor, rule.community_id)
    record_access(session, actor_id=actor.id if actor else None, action="delete",
                  subject_type="routing_rule", subject_id=rule.id, fields=["organisation_id"],
                  detail={"category": rule.category, "community_id": rule.community_id,
                          "from": rule.organisation_id})
    session.delete(rule)
    session.flush()


def describe_rule(rule: HelpRoutingRule, *, organisations: dict[int, str],
                  communities: dict[int, str]) -> str:
    """Say a rule in words: "阳光社区的医疗求助 → 示范县慈善总会"."""
    where = communities.get(rule.community_id or 0, "全县") if rule.community_id else "全县"
    what = CATEGORY_NAMES.get(rule.category or "", "所有") if rule.category else "所有"
    return f"{where}的{what}求助 → {organisations.get(rule.organisation_id, '?')}"


def list_routing_rules_in_words(session: Session) -> list[tuple[int, str]]:
    """Say every routing rule in words with its id, oldest first (the operator's list)."""
    names = {o.id: o.name for o in session.scalars(select(Organisation))}
    places = {c.id: c.name for c in session.scalars(select(Community))}
    rules = session.scalars(select(HelpRoutingRule).order_by(HelpRoutingRule.id))
    return [(rule.id, describe_rule(rule, organisations=names, communities=places)) for rule in rules]


_Coded = TypeVar("_Coded", Community, Organisation)


def _by_code(session: Session, model: type[_Coded], code: str) -> int:
    found = session.scalar(select(model).where(model.code == code))
    if found is None:
        raise NotFound(f"没有编码为 {code} 的{'社区' if model is Community else '单位'}。")
    return found.id


def change_routing_rule_by_code(session: Session, *, actor: Person | None, category: str | None,
                                community_code: str | None,
                                organisation_code: str) -> HelpRoutingRule:
    """Set who takes a category in a community, both named by their codes (the operator's CLI)."""
    community_id = (_by_code(session, Community, community_code)
                    if community_code is not None else None)
    organisation_id = _by_code(session, Organisation, organisation_code)
    return change_routing_rule(session, actor=actor, category=category,
                               community_id=community_id, organisation_id=organisation_id)

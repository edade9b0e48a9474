"""Routing rules as data: (category, community) → the organisation and staff queue that take it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.help_requests import CATEGORIES, HelpRoutingRule
from models.region import Organisation

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

"""Matching needs to resources: what a catalogue entry fits, and the entries that fit a request.

An entry fits a request when each of its conditions is unset or agrees:
its layer (分层分类救助), its help category, its place (one community, or the
whole county when unset) and the tiers it is for (the beneficiary's tier must
be verified and not past review). Staff refer to an entry with one action.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.errors import NotAllowed
from models.console import AidResource
from models.help_requests import CATEGORY_NAMES, HelpRequest
from models.person import TIER_NAMES, Person
from services.access.audit import record_access
from services.assistance.layers import layer_name
from services.assistance.resources import (
    check_fit,
    county_of_community,
    get_resource,
    staff_counties,
)


def set_resource_fit(session: Session, *, actor: Person, resource_id: int, layer: str | None,
                     category: str | None, community_id: int | None,
                     eligible_tiers: list[str] | None) -> AidResource:
    """Change what a catalogue entry fits (its layer among them); audited."""
    resource = get_resource(session, actor=actor, resource_id=resource_id)
    before = {"layer": resource.layer, "category": resource.category,
              "community_id": resource.community_id, "eligible_tiers": resource.eligible_tiers}
    fit = check_fit(session, county=resource.county_id, layer=layer, category=category,
                    community_id=community_id, eligible_tiers=eligible_tiers)
    for key, value in fit.items():
        setattr(resource, key, value)
    record_access(session, actor_id=actor.id, action="update", subject_type="aid_resource",
                  subject_id=resource.id, fields=sorted(fit), detail={"from": before, "to": fit})
    session.flush()
    return resource


@dataclass(frozen=True)
class ResourceMatch:
    """A catalogue entry that fits a request, and in plain words why."""

    resource: AidResource
    reasons: list[str]

    @property
    def can_refer(self) -> bool:
        return self.resource.organisation_id is not None


def tiers_of(resource: AidResource) -> list[str]:
    """Return the tiers an entry is for (empty: anyone)."""
    return [t for t in (resource.eligible_tiers or "").split(",") if t]


def _reasons(resource: AidResource, help_request: HelpRequest, tier: str | None) -> list[str] | None:
    tiers = tiers_of(resource)
    if ((resource.layer and resource.layer != help_request.layer)
            or (resource.category and resource.category != help_request.category)
            or (resource.community_id and resource.community_id != help_request.community_id)
            or (tiers and tier not in tiers)):
        return None
    reasons = [layer_name(resource.layer) if resource.layer else "各层都可"]
    if resource.category:
        reasons.append(f"管{CATEGORY_NAMES[resource.category]}")
    reasons.append("本社区" if resource.community_id else "全县")
    reasons.append(f"{TIER_NAMES[tier]}可申请" if tiers and tier else "不限身份")
    return reasons


def match_resources(session: Session, *, actor: Person, request_id: int) -> list[ResourceMatch]:
    """Return the active entries of the request's county that fit it, the most specific first."""
    from services.help_requests.queries import load_visible

    help_request, relation = load_visible(session, actor=actor, request_id=request_id)
    if relation != "staff":
        raise NotAllowed()
    if help_request.community_id is None:
        return []
    county = county_of_community(session, help_request.community_id)
    counties = staff_counties(session, actor=actor)
    if county is None or (counties is not None and county not in counties):
        return []
    beneficiary = session.get(Person, help_request.beneficiary_id)
    tier = beneficiary.verified_tier_on(clock.today()) if beneficiary else None
    stmt = select(AidResource).where(AidResource.county_id == county,
                                     AidResource.active.is_(True)).order_by(AidResource.id)
    found = [ResourceMatch(r, reasons) for r in session.scalars(stmt)
             if (reasons := _reasons(r, help_request, tier)) is not None]
    return sorted(found, key=lambda m: -sum(bool(x) for x in (
        m.resource.layer, m.resource.category, m.resource.community_id, tiers_of(m.resource))))

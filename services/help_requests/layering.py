"""A request's assistance layer (分层分类救助) and the catalogue entries that fit it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.errors import NotAllowed, ValidationFailed
from models.console import AidResource
from models.help_requests import CATEGORY_NAMES, HelpRequest
from models.person import TIER_NAMES, Person
from services.access.audit import record_access
from services.assistance.layers import check_layer, layer_name
from services.assistance.resource_fit import tiers_of
from services.assistance.resources import county_of_community, staff_counties
from services.help_requests.events import record_event
from services.help_requests.queries import load_visible


def set_request_layer(session: Session, *, actor: Person, request_id: int,
                      layer: str) -> HelpRequest:
    """Change a request's layer as staff; audited and written on its timeline."""
    help_request, relation = load_visible(session, actor=actor, request_id=request_id,
                                          for_update=True)
    if relation != "staff":
        raise NotAllowed()
    new = check_layer(layer)
    if new is None:
        raise ValidationFailed("请选择层级。", fields={"layer": "必填"})
    old = help_request.layer
    if new == old:
        return help_request
    help_request.layer = new
    record_event(session, help_request=help_request, actor_id=actor.id, kind="status",
                 from_status=help_request.status, to_status=help_request.status, note=f"救助层级：{layer_name(old)} → {layer_name(new)}")
    record_access(session, actor_id=actor.id, action="update", subject_type="help_request",
                  subject_id=help_request.id, fields=["layer"], detail={"from": old, "to": new})
    session.flush()
    return help_request


@dataclass(frozen=True)
class ResourceMatch:
    """A catalogue entry that fits a request, and in plain words why."""

    resource: AidResource
    reasons: list[str]

    @property
    def can_refer(self) -> bool:
        return self.resource.organisation_id is not None


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

"""Matching needs to resources: what a catalogue entry fits, and the entries that fit a request.

An entry fits a request when each of its conditions is unset or agrees:
its layer (分层分类救助), its help category, its place (one community, or the
whole county when unset) and the tiers it is for (the beneficiary's tier must
be verified and not past review). Staff refer to an entry with one action.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.console import AidResource
from models.person import Person
from services.access.audit import record_access
from services.assistance.resources import (
    check_fit,
    get_resource,
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


def tiers_of(resource: AidResource) -> list[str]:
    """Return the tiers an entry is for (empty: anyone)."""
    return [t for t in (resource.eligible_tiers or "").split(",") if t]

"""The county catalogue of help (救助资源项目清单): list, add, retire, and pick one for a referral.

An entry's fit (layer, category, place, tiers) is checked here when it is added;
changing it and matching a request to entries: resource_fit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.errors import NotFound, ValidationFailed
from models.console import RESOURCE_KINDS, AidResource
from models.help_requests import CATEGORIES
from models.person import ECONOMIC_TIERS, Person
from models.region import Community, Organisation, Street
from services.access.checks import require_staff_for
from services.assistance.layers import check_layer, layer_for_request


def check_fit(session: Session, *, county: int, layer: str | None, category: str | None,
              community_id: int | None, eligible_tiers: list[str] | None) -> dict[str, Any]:
    """Check what an entry fits and return its column values; the layer follows the category."""
    fields: dict[str, str] = {}
    if category and category not in CATEGORIES:
        fields["category"] = "不是允许的取值"
    if any(t not in ECONOMIC_TIERS for t in eligible_tiers or ()):
        fields["eligible_tiers"] = "不是允许的取值"
    if community_id is not None and county_of_community(session, community_id) != county:
        fields["community_id"] = "不是本县的社区"
    if fields:
        raise ValidationFailed(fields=fields)
    chosen = check_layer(layer) or (layer_for_request(session, category=category, urgency="normal")
                                    if category else None)
    tiers = ",".join(t for t in ECONOMIC_TIERS if t in (eligible_tiers or ())) or None
    return {"layer": chosen, "category": category or None, "community_id": community_id,
            "eligible_tiers": tiers}


def county_of_community(session: Session, community_id: int) -> int | None:
    """Return the county a community lies in."""
    return session.scalar(select(Street.county_id).join(Community, Community.street_id == Street.id)
                          .where(Community.id == community_id))


def staff_counties(session: Session, *, actor: Person) -> set[int] | None:
    """Return the counties a staff member works in; None means every county."""
    communities = require_staff_for(actor)
    if communities is None:
        return None
    stmt = (
        select(Street.county_id)
        .join(Community, Community.street_id == Street.id)
        .where(Community.id.in_(communities))
    )
    return set(session.scalars(stmt))


def _county_for(session: Session, actor: Person, county_id: int | None) -> int:
    counties = staff_counties(session, actor=actor)
    if county_id is None:
        if counties is None or len(counties) != 1:
            raise ValidationFailed("请选择县（区）。", fields={"county_id": "必填"})
        return next(iter(counties))
    if counties is not None and county_id not in counties:
        raise NotFound()
    return county_id


def list_resources(
    session: Session,
    *,
    actor: Person,
    county_id: int | None = None,
    kind: str | None = None,
    include_retired: bool = False,
) -> list[AidResource]:
    """Return a county's catalogue entries (the staff member's own county by default)."""
    county = _county_for(session, actor, county_id)
    stmt = select(AidResource).where(AidResource.county_id == county)
    if kind:
        stmt = stmt.where(AidResource.kind == kind)
    if not include_retired:
        stmt = stmt.where(AidResource.active.is_(True))
    return list(session.scalars(stmt.order_by(AidResource.kind, AidResource.name, AidResource.id)))


def _check_fields(kind: str, name: str, offers: str, eligibility: str) -> None:
    missing = {k: "必填" for k, v in (("name", name), ("offers", offers),
                                     ("eligibility", eligibility)) if not v.strip()}
    if kind not in RESOURCE_KINDS:
        missing["kind"] = "不是允许的取值"
    if missing:
        raise ValidationFailed(fields=missing)


def create_resource(
    session: Session,
    *,
    actor: Person,
    kind: str,
    name: str,
    offers: str,
    eligibility: str,
    contact: str | None = None,
    organisation_id: int | None = None,
    county_id: int | None = None,
    layer: str | None = None,
    category: str | None = None,
    community_id: int | None = None,
    eligible_tiers: list[str] | None = None,
) -> AidResource:
    """Add a project or fund to a county's catalogue, with what it fits (layer, category, place)."""
    county = _county_for(session, actor, county_id)
    _check_fields(kind, name, offers, eligibility)
    fit = check_fit(session, county=county, layer=layer, category=category,
                    community_id=community_id, eligible_tiers=eligible_tiers)
    if organisation_id is not None:
        org = session.get(Organisation, organisation_id)
        if org is None or org.county_id != county:
            raise ValidationFailed(fields={"organisation_id": "不是本县的机构"})
    resource = AidResource(
        county_id=county, organisation_id=organisation_id, kind=kind, name=name.strip(),
        offers=offers.strip(), eligibility=eligibility.strip(),
        contact=(contact or "").strip() or None, created_by_id=actor.id, active=True, **fit,
    )
    session.add(resource)
    session.flush()
    return resource


def get_resource(session: Session, *, actor: Person, resource_id: int) -> AidResource:
    """Return one catalogue entry from the staff member's counties (for a referral)."""
    resource = session.get(AidResource, resource_id)
    counties = staff_counties(session, actor=actor)
    if resource is None or (counties is not None and resource.county_id not in counties):
        raise NotFound()
    return resource


def retire_resource(session: Session, *, actor: Person, resource_id: int) -> AidResource:
    """Take an entry off the catalogue (kept for referrals that already named it)."""
    resource = get_resource(session, actor=actor, resource_id=resource_id)
    resource.active = False
    session.flush()
    return resource


def list_county_organisations(session: Session, *, actor: Person) -> list[Organisation]:
    """Return the organisations a staff member can hand a request to, by kind and name."""
    counties = staff_counties(session, actor=actor)
    stmt = select(Organisation).order_by(Organisation.kind, Organisation.name)
    if counties is not None:
        stmt = stmt.where(Organisation.county_id.in_(counties))
    return list(session.scalars(stmt))

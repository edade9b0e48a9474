"""Resident search, a resident's household chain and tier verification (核对), and reviews due."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import redirect, url_for
from pydantic import Field

from console import bp
from console.pages import form, query, render
from console.session import current_staff, flash, staff_page
from core import clock
from core.crypto import mask_address
from core.uow import db
from core.validation import Body, Query
from models.person import TIER_NAMES
from services.access.audit import record_access
from services.assistance import chain as household
from services.assistance import tiers
from services.people import addresses

PROFILE_FIELDS = ["name", "phone", "address"]


class SearchQuery(Query):
    q: str | None = Field(default=None, max_length=64)
    tier: str | None = Field(default=None, max_length=32)
    community_id: int | None = None
    cursor: int | None = Field(default=None, ge=0)


class TierForm(Body):
    tier: str = Field(max_length=32)
    evidence_note: str = Field(max_length=2000)
    review_due: date | None = None
    layer: str | None = Field(default=None, max_length=16)


class DueQuery(Query):
    within_days: int = Field(default=30, ge=0, le=366)


@bp.get("/residents", endpoint="residents")
@staff_page
def residents_page() -> Any:
    """Search residents by exact name or phone, tier and community; names are masked."""
    args = query(SearchQuery)
    found = tiers.search_residents(db(), actor=current_staff(), tier=args.tier,
                                   community_id=args.community_id, q=args.q, limit=51,
                                   cursor=args.cursor)
    return render("console/residents.html", args=args, residents=found[:50],
                  next_cursor=found[49].id if len(found) > 50 else None, tier_names=TIER_NAMES)


class ResidentQuery(Query):
    full: bool = False


@bp.get("/residents/<int:person_id>", endpoint="resident")
@staff_page
def resident_page(person_id: int) -> Any:
    """Show a resident's profile masked, in full on request (audited), with tiers and household."""
    staff = current_staff()
    full = query(ResidentQuery).full
    history = household.get_household_history(db(), actor=staff, person_id=person_id)
    record_access(db(), actor_id=staff.id, action="read", subject_type="person",
                  subject_id=person_id, fields=PROFILE_FIELDS if full else [],
                  detail=None if full else {"view": "masked"})
    person = history.person
    return render("console/resident.html", history=history, person=person, full=full,
                  decisions=tiers.list_tier_history(db(), actor=staff, person_id=person_id),
                  tier_names=TIER_NAMES, today=clock.today(),
                  masked_address=mask_address(person.address),
                  home=addresses.home_words(db(), person=person),
                  buildings=addresses.list_buildings(db(), community_id=person.community_id))


@bp.post("/residents/<int:person_id>/tier")
@staff_page
def verify_tier(person_id: int) -> Any:
    """Record the verified tier with its evidence and review date."""
    body = form(TierForm)
    tier = None if body.tier == tiers.NO_TIER else body.tier
    tiers.record_tier(db(), actor=current_staff(), person_id=person_id, tier=tier,
                      evidence_note=body.evidence_note, review_due=body.review_due,
                      layer=body.layer)
    flash(f"已记录核对结果：{TIER_NAMES.get(tier or '', '取消认定')}。")
    return redirect(url_for("console.resident", person_id=person_id))


@bp.get("/tiers/due", endpoint="tiers_due")
@staff_page
def tiers_due_page() -> Any:
    """List residents whose tier review falls due soon or has passed."""
    args = query(DueQuery)
    due = tiers.list_due_for_review(db(), actor=current_staff(), within_days=args.within_days)
    return render("console/tiers_due.html", residents=due, args=args, tier_names=TIER_NAMES)

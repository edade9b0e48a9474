"""Canteen coverage: per community, the share of residents aged 60+ each canteen reaches."""

from __future__ import annotations

from typing import Any

from console import bp
from console.pages import chosen_community, render
from console.session import current_staff, staff_page
from core.uow import db
from services.meals import coverage


@bp.get("/canteens/coverage", endpoint="canteen_coverage")
@staff_page
def canteen_coverage_page() -> Any:
    """Show how many of the community's elderly each canteen reaches, and the buildings none does."""
    community = chosen_community()
    found = coverage.get_canteen_coverage(db(), actor=current_staff(), community_id=community.id)
    return render("console/coverage.html", community=community, coverage=found,
                  rule=coverage.rule())

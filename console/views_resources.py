"""The county catalogue of projects and funds: browse and add."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from pydantic import Field

from console import bp
from console.pages import form, render
from console.session import current_staff, flash, staff_page
from core.uow import db
from core.validation import Body, validate
from models.console import RESOURCE_KIND_NAMES
from models.help_requests import CATEGORY_NAMES
from models.person import TIER_NAMES
from services.assistance import resource_fit, resources
from services.assistance.layers import layer_name
from services.assistance.resource_fit import tiers_of


class ResourceForm(Body):
    kind: str = Field(max_length=32)
    name: str = Field(max_length=128)
    offers: str = Field(max_length=2000)
    eligibility: str = Field(max_length=2000)
    contact: str | None = Field(default=None, max_length=128)
    organisation_id: int | None = None
    layer: str | None = Field(default=None, max_length=16)
    category: str | None = Field(default=None, max_length=16)
    community_id: int | None = None
    eligible_tiers: list[str] | None = Field(default=None, max_length=7)


class LayerForm(Body):
    layer: str | None = Field(default=None, max_length=16)


@bp.get("/resources", endpoint="resources")
@staff_page
def resources_page() -> Any:
    """Show the county's catalogue and a form to add an entry."""
    staff = current_staff()
    return render("console/resources.html", kinds=RESOURCE_KIND_NAMES,
                  catalogue=resources.list_resources(db(), actor=staff),
                  organisations=resources.list_county_organisations(db(), actor=staff),
                  category_names=CATEGORY_NAMES, tier_names=TIER_NAMES, tiers_of=tiers_of)


@bp.post("/resources")
@staff_page
def add_resource() -> Any:
    """Add a project or fund to the catalogue."""
    data = {k: v for k, v in request.form.items()
            if k not in ("csrf_token", "eligible_tiers") and v != ""}
    body = validate(ResourceForm, {**data, "eligible_tiers": request.form.getlist("eligible_tiers")
                                   or None})
    added = resources.create_resource(db(), actor=current_staff(), **body.model_dump())
    flash(f"已加入资源清单：{added.name}")
    return redirect(url_for("console.resources"))


@bp.post("/resources/<int:resource_id>/layer")
@staff_page
def change_resource_layer(resource_id: int) -> Any:
    """Change the layer of a catalogue entry, keeping what else it fits (audited)."""
    body = form(LayerForm)
    entry = resources.get_resource(db(), actor=current_staff(), resource_id=resource_id)
    changed = resource_fit.set_resource_fit(
        db(), actor=current_staff(), resource_id=resource_id, layer=body.layer,
        category=entry.category, community_id=entry.community_id,
        eligible_tiers=tiers_of(entry))
    flash(f"{changed.name} 的救助层级已改为“{layer_name(changed.layer)}”。")
    return redirect(url_for("console.resources"))

"""The county catalogue of projects and funds: browse and add."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from pydantic import Field

from console import bp
from console.pages import form, render
from console.session import current_staff, flash, staff_page
from miniprogram_api.uow import db
from miniprogram_api.validation import Body
from models.console import RESOURCE_KIND_NAMES
from services import resources


class ResourceForm(Body):
    kind: str = Field(max_length=32)
    name: str = Field(max_length=128)
    offers: str = Field(max_length=2000)
    eligibility: str = Field(max_length=2000)
    contact: str | None = Field(default=None, max_length=128)
    organisation_id: int | None = None


@bp.get("/resources", endpoint="resources")
@staff_page
def resources_page() -> Any:
    """Show the county's catalogue and a form to add an entry."""
    staff = current_staff()
    return render("console/resources.html", kinds=RESOURCE_KIND_NAMES,
                  catalogue=resources.list_resources(db(), actor=staff),
                  organisations=resources.list_county_organisations(db(), actor=staff))


@bp.post("/resources")
@staff_page
def add_resource() -> Any:
    """Add a project or fund to the catalogue."""
    body = form(ResourceForm)
    added = resources.create_resource(db(), actor=current_staff(), **body.model_dump())
    flash(f"已加入资源清单：{added.name}")
    return redirect(url_for("console.resources"))

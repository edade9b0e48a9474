"""The help-request queue, one request's timeline, and moving it along (services.help_requests)."""

from __future__ import annotations

from typing import Any, Literal

from flask import redirect, url_for
from pydantic import Field

from console import bp
from console.pages import chosen_community, form, people_by_id, query, render
from console.session import current_staff, flash, staff_page
from core.uow import db
from core.validation import Body, Query
from services.assistance import layers, resources
from services.help_requests import layering
from services.people.persons import find_person

PAGE = 30


class QueueQuery(Query):
    status: str | None = Field(default=None, max_length=16)
    layer: str | None = Field(default=None, max_length=16)
    urgency: Literal["emergency", "normal"] | None = None
    community_id: int | None = None
    cursor: int | None = Field(default=None, ge=0)


class MoveForm(Body):
    to: str = Field(max_length=16)
    note: str | None = Field(default=None, max_length=500)
    organisation_id: int | None = None
    person_id: int | None = None
    resource_id: int | None = None


class LayerForm(Body):
    layer: str = Field(max_length=16)


@bp.get("/requests", endpoint="requests")
@staff_page
def requests_page() -> Any:
    """List the community's help requests, newest first, with filters."""
    from models.help_requests import CATEGORY_NAMES
    from services.help_requests import list_staff_help_requests
    from services.help_requests.queries import count_open_by_layer
    from services.help_requests.triage import STATUS_NAMES

    args = query(QueueQuery)
    community = chosen_community()
    found = list_staff_help_requests(db(), actor=current_staff(), status=args.status,
                                     urgency=args.urgency, community_id=community.id,
                                     limit=PAGE, cursor=args.cursor, layer=args.layer)
    more = len(found) > PAGE
    found = found[:PAGE]
    people = people_by_id(r.beneficiary_id for r in found)
    return render("console/requests.html", community=community, requests=found, args=args,
                  people=people, status_names=STATUS_NAMES, category_names=CATEGORY_NAMES,
                  open_by_layer=count_open_by_layer(db(), actor=current_staff(),
                                                    community_id=community.id),
                  next_cursor=found[-1].id if more and found else None)


@bp.get("/requests/<int:request_id>")
@staff_page
def request_detail(request_id: int) -> Any:
    """Show one request with its timeline and the moves staff can make next (audited read)."""
    from services.help_requests import TRANSITIONS, present_help_request
    from services.help_requests.queries import load_visible
    from services.help_requests.triage import STATUS_NAMES

    staff = current_staff()
    help_request, relation = load_visible(db(), actor=staff, request_id=request_id)
    body = present_help_request(db(), actor=staff, help_request=help_request, relation=relation)
    actors = people_by_id(e.get("actor_id") for e in body["timeline"])
    return render(
        "console/request.html", request_body=body, help_request=help_request,
        beneficiary=find_person(db(), person_id=help_request.beneficiary_id), actors=actors,
        moves=sorted(TRANSITIONS.get(help_request.status, ())), status_names=STATUS_NAMES,
        organisations=resources.list_county_organisations(db(), actor=staff),
        catalogue=resources.list_resources(db(), actor=staff),
        matches=layering.match_resources(db(), actor=staff, request_id=request_id),
    )


@bp.post("/requests/<int:request_id>/layer")
@staff_page
def change_layer(request_id: int) -> Any:
    """Change a request's assistance layer (audited, on its timeline)."""
    body = form(LayerForm)
    changed = layering.set_request_layer(db(), actor=current_staff(), request_id=request_id,
                                       layer=body.layer)
    flash(f"{changed.code} 的救助层级已改为“{layers.layer_name(changed.layer)}”。")
    return redirect(url_for("console.request_detail", request_id=request_id))


def _note_with_resource(body: MoveForm) -> tuple[str | None, int | None]:
    if body.resource_id is None:
        return body.note, body.organisation_id
    resource = resources.get_resource(db(), actor=current_staff(), resource_id=body.resource_id)
    note = f"转介资源：{resource.name}" + (f"；{body.note}" if body.note else "")
    return note, body.organisation_id or resource.organisation_id


@bp.post("/requests/<int:request_id>/move")
@staff_page
def move_request(request_id: int) -> Any:
    """Move a request to its next status (accept, assign, refer, reject, resolve, close)."""
    from services.help_requests import Assignee, transition_help_request
    from services.help_requests.triage import STATUS_NAMES

    body = form(MoveForm)
    note, organisation_id = _note_with_resource(body)
    assignee = (Assignee(organisation_id=organisation_id, person_id=body.person_id)
                if organisation_id or body.person_id else None)
    moved = transition_help_request(db(), actor=current_staff(), request_id=request_id,
                                    to=body.to, note=note, assignee=assignee)
    flash(f"{moved.code} 已改为“{STATUS_NAMES[moved.status]}”。")
    return redirect(url_for("console.request_detail", request_id=request_id))

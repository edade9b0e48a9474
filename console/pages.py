"""What every console page shares: the signed-in staff member, the community picker, form reading."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from flask import g, render_template, request
from pydantic import BaseModel

from console.session import current_staff
from core.uow import db
from core.validation import validate
from models.person import Person
from models.region import Community
from services.access.checks import is_staff
from services.messaging.outbox_hold import get_outbox_hold
from services.operations.monthly_figures import list_staff_community_choices, pick_community
from services.people.persons import list_people_by_id

M = TypeVar("M", bound=BaseModel)


def render(template: str, **context: Any) -> str:
    """Render a console page with the staff member and their communities."""
    member = g.get("console_person")
    if member is not None and not is_staff(member):  # a charity's admin: their referrals only
        return render_template(template, staff=member, staff_nav=False, **context)
    staff = current_staff()
    context.setdefault("communities", list_staff_community_choices(db(), actor=staff))
    context.setdefault("outbox_hold", get_outbox_hold(db()))
    return render_template(template, staff=staff, staff_nav=True, **context)


def people_by_id(ids: Iterable[int | None]) -> dict[int, Person]:
    """Load the people a page names, in one query."""
    return list_people_by_id(db(), person_ids=ids)


def chosen_community() -> Community:
    """Return the community the page is about (?community_id=, else the staff member's first)."""
    raw = request.values.get("community_id", "")
    community_id = int(raw) if raw.isdigit() else None
    return pick_community(db(), actor=current_staff(), community_id=community_id)


def form(model: type[M]) -> M:
    """Read the posted form into a model (empty fields count as missing)."""
    data = {k: v for k, v in request.form.items() if k != "csrf_token" and v != ""}
    return validate(model, data)


def query(model: type[M]) -> M:
    """Read the query string into a model (empty fields count as missing)."""
    return validate(model, {k: v for k, v in request.args.items() if v != ""})

"""Who lives together, from the resident page: add a family member by phone, name the head, remove."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from pydantic import Field

from console import bp
from console.pages import form
from console.session import current_staff, flash, staff_page
from core.errors import NotFound
from core.uow import db
from core.validation import Body
from services.people import households
from services.people.persons import find_person_by_phone


class AddForm(Body):
    phone: str = Field(min_length=5, max_length=20)


class LeaveForm(Body):
    back: int | None = None


def _back(person_id: int) -> Any:
    return redirect(url_for("console.resident", person_id=person_id) + "#household")


@bp.post("/residents/<int:person_id>/household")
@staff_page
def household_add(person_id: int) -> Any:
    """Put the resident with this phone into this resident's household."""
    body = form(AddForm)
    member = find_person_by_phone(db(), phone=body.phone)
    if member is None:
        raise NotFound("没有找到这个手机号的居民，请先让他在公众号或小程序登记。")
    households.link_to_household(db(), actor=current_staff(), head_id=person_id,
                                 member_id=member.id)
    flash(f"{member.masked_name}已加入这一户。")
    return _back(person_id)


@bp.post("/residents/<int:person_id>/household/head")
@staff_page
def household_head(person_id: int) -> Any:
    """Name this resident the head of their household."""
    households.make_head(db(), actor=current_staff(), person_id=person_id)
    flash("户主已更换。")
    return _back(person_id)


@bp.post("/residents/<int:person_id>/household/leave")
@staff_page
def household_leave(person_id: int) -> Any:
    """Take this resident out of their household."""
    body = form(LeaveForm)
    households.remove_from_household(db(), actor=current_staff(), person_id=person_id)
    flash("已移出这一户。")
    return _back(body.back or person_id)

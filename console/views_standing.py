"""A resident's standing orders (长期订餐): staff set one up, pause, resume or end it (audited)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from flask import redirect, url_for
from pydantic import Field

from console import bp
from console.pages import form, render
from console.session import current_staff, flash, staff_page
from core import clock
from core.errors import ValidationFailed
from core.uow import db
from core.validation import Body
from models.meals import MEAL_NAMES
from services.access.audit import record_access
from services.meals import list_canteens_in_community, standing
from services.people.persons import find_person


class StandingForm(Body):
    canteen_id: int = Field(ge=1, le=2**31 - 1)
    meal: Literal["breakfast", "lunch", "dinner"]
    days: Literal["daily", "workdays", "weekly"]
    weekdays: str | None = Field(default=None, pattern=r"^[1-7]{1,7}$")
    count: int = Field(default=1, ge=1, le=5)
    delivery: Literal["yes", "no"] = "no"
    starts_on: date | None = None
    note: str | None = Field(default=None, max_length=100)


class PauseForm(Body):
    from_date: date
    to_date: date


def _audit(person_id: int, action: str, order_id: int | None = None) -> None:
    """Audit a read of a resident's standing orders (the person) or a change to one (the order)."""
    if order_id is None:
        record_access(db(), actor_id=current_staff().id, action=action, subject_type="person",
                      subject_id=person_id, fields=["standing_orders"])
        return
    record_access(db(), actor_id=current_staff().id, action=action, subject_type="standing_order",
                  subject_id=order_id, detail={"person_id": person_id})


def _back(person_id: int) -> Any:
    return redirect(url_for("console.resident_standing", person_id=person_id))


@bp.get("/residents/<int:person_id>/standing", endpoint="resident_standing")
@staff_page
def standing_page(person_id: int) -> Any:
    """Show a resident's standing orders with their read-back; forms to set up, pause and end."""
    staff = current_staff()
    orders = standing.list_standing_orders(db(), actor=staff, person_id=person_id, include_ended=True)
    person = find_person(db(), person_id=person_id)
    _audit(person_id, "read")
    canteens = (list_canteens_in_community(db(), community_id=person.community_id)
                if person is not None and person.community_id else [])
    texts = {o.id: standing.describe_standing_order(o) for o in orders if o.status == "active"}
    return render("console/standing.html", person=person, orders=orders, texts=texts,
                  canteens=canteens, meal_names=MEAL_NAMES, days_text=standing.days_text,
                  today=clock.today())


@bp.post("/residents/<int:person_id>/standing", endpoint="create_standing")
@staff_page
def create_standing(person_id: int) -> Any:
    """Set up a standing order for a resident who cannot do it themselves."""
    body = form(StandingForm)
    days = body.weekdays if body.days == "weekly" else body.days
    if not days:
        raise ValidationFailed("请填写每周哪几天，如 135 表示周一、三、五。")
    order = standing.create_standing_order(
        db(), actor=current_staff(), person_id=person_id, canteen_id=body.canteen_id,
        meal=body.meal, days=days, count=body.count, delivery=body.delivery == "yes",
        starts_on=body.starts_on, note=body.note, channel="console")
    _audit(person_id, "standing_create", order.id)
    flash("已设好长期订餐，已通知老人。")
    return _back(person_id)


@bp.post("/residents/<int:person_id>/standing/<int:order_id>/pause", endpoint="pause_standing")
@staff_page
def pause_standing(person_id: int, order_id: int) -> Any:
    """Pause a resident's standing order over some days."""
    body = form(PauseForm)
    order, released = standing.pause_standing_order(db(), actor=current_staff(), order_id=order_id,
                                                    from_day=body.from_date, to_day=body.to_date)
    _audit(order.person_id, "standing_pause", order.id)
    flash("已暂停。" + standing.released_text(released, order.meal))
    return _back(order.person_id)


@bp.post("/residents/<int:person_id>/standing/<int:order_id>/resume", endpoint="resume_standing")
@staff_page
def resume_standing(person_id: int, order_id: int) -> Any:
    """End a pause now."""
    order = standing.resume_standing_order(db(), actor=current_staff(), order_id=order_id)
    _audit(order.person_id, "standing_resume", order.id)
    flash("已恢复，照常订。")
    return _back(order.person_id)


@bp.post("/residents/<int:person_id>/standing/<int:order_id>/end", endpoint="end_standing")
@staff_page
def end_standing(person_id: int, order_id: int) -> Any:
    """End a resident's standing order; bookings still cancellable are cancelled."""
    order, released = standing.end_standing_order(db(), actor=current_staff(), order_id=order_id)
    _audit(order.person_id, "standing_end", order.id)
    flash("已停掉长期订餐。" + standing.released_text(released, order.meal))
    return _back(order.person_id)

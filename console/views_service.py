"""The service-record verification queue and each canteen's day."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from flask import redirect, url_for
from pydantic import Field

from console import bp
from console.pages import chosen_community, form, people_by_id, query, render
from console.session import current_staff, flash, staff_page
from core import clock
from core.uow import db
from core.validation import Body, Query


class DecisionForm(Body):
    decision: Literal["approve", "reject"]
    reason: str | None = Field(default=None, max_length=200)


class DayQuery(Query):
    day: date | None = None


@bp.get("/service-records", endpoint="service_records")
@staff_page
def service_records_page() -> Any:
    """List the volunteer service records waiting for a staff decision, oldest first."""
    from services.volunteers.verification import list_records_awaiting_staff

    records = list_records_awaiting_staff(db(), actor=current_staff())
    ids = {r.volunteer_id for r in records} | {r.beneficiary_id for r in records if r.beneficiary_id}
    people = people_by_id(ids)
    return render("console/service_records.html", records=records, people=people)


@bp.post("/service-records/<int:record_id>")
@staff_page
def decide_service_record(record_id: int) -> Any:
    """Approve (points are minted) or reject a service record with a reason."""
    from services.volunteers.verification import verify_service_record

    body = form(DecisionForm)
    record = verify_service_record(db(), actor=current_staff(), record_id=record_id,
                                   approve=body.decision == "approve", reason=body.reason)
    flash("已核实通过。" if record.status == "verified" else "已退回这条服务记录。")
    return redirect(url_for("console.service_records"))


@bp.get("/canteens", endpoint="canteens")
@staff_page
def canteens_page() -> Any:
    """List the community's canteens."""
    from services.meals import list_canteens_in_community

    community = chosen_community()
    found = list_canteens_in_community(db(), community_id=community.id)
    return render("console/canteens.html", community=community, canteens=found,
                  month=clock.today().strftime("%Y-%m"))


@bp.get("/canteens/<int:canteen_id>")
@staff_page
def canteen_day(canteen_id: int) -> Any:
    """Show one canteen's day: counts per meal, deliveries and dietary notes."""
    from models.meals import MEAL_NAMES
    from services.meals import get_canteen, kitchen_summary

    day = query(DayQuery).day or clock.today()
    canteen = get_canteen(db(), canteen_id=canteen_id)
    summary = kitchen_summary(db(), actor=current_staff(), canteen_id=canteen_id, day=day)
    return render("console/canteen_day.html", canteen=canteen, summary=summary, day=day,
                  meal_names=MEAL_NAMES)

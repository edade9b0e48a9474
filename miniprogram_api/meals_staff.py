"""Canteen-operator and staff routes for meals: orders, serving, lists and the settlement CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from flask import Response, jsonify
from pydantic import BaseModel, Field

from core import clock
from core.errors import NotFound
from core.validation import Query, parse_query
from core.web import attachment
from miniprogram_api import MAX_ID, bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.meals import STATUS_TEXT, BookingOut, BookingStatus, Meal, booking_json
from miniprogram_api.openapi import api_doc
from miniprogram_api.uow import db
from services import meals
from services.meals.wording import day_text, meal_text

UTF8_BOM = "\ufeff"  # so Excel opens the Chinese columns correctly

# Ids in bodies and queries fit an INTEGER column, like path ids.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class OrdersQuery(Query):
    date: dt.date | None = None
    meal: Meal | None = None
    canteen_id: Id | None = None


class StaffBookingsQuery(Query):
    date: dt.date | None = None
    canteen_id: Id


class SettlementQuery(Query):
    month: str = Field(pattern=r"^\d{4}-\d{2}$")
    canteen_id: Id


class MealCountOut(BaseModel):
    meal: Meal
    meal_name: str
    booked: int = Field(description="预订份数（不含已取消）")
    eat_in: int
    delivery: int
    served: int
    no_show: int


class KitchenOrderOut(BaseModel):
    booking_id: int
    meal: Meal
    name: str = Field(description="打码的姓名")
    phone: str = Field(description="打码的手机号")
    count: int
    delivery: bool
    status: BookingStatus
    note: str | None
    address: str | None = Field(description="送餐地址（只在送餐单上）")


class OrderOut(KitchenOrderOut):
    status_text: str


class DietaryNoteOut(BaseModel):
    booking_id: int
    meal: Meal
    name: str
    note: str


class KitchenSummaryOut(BaseModel):
    canteen_id: int
    date: dt.date
    date_text: str
    counts: list[MealCountOut]
    deliveries: list[KitchenOrderOut]
    dietary_notes: list[DietaryNoteOut]
    orders: list[OrderOut]


class StaffBookingOut(BookingOut):
    name: str = Field(description="打码的姓名")


class StaffBookingList(BaseModel):
    items: list[StaffBookingOut]


def summary_json(summary: meals.KitchenSummary) -> dict[str, Any]:
    return {
        "canteen_id": summary.canteen_id, "date": summary.day.isoformat(),
        "date_text": day_text(summary.day),
        "counts": [{**asdict(c), "meal_name": meal_text(c.meal)} for c in summary.counts.values()],
        "deliveries": [asdict(o) for o in summary.deliveries],
        "dietary_notes": [{"booking_id": o.booking_id, "meal": o.meal, "name": o.name,
                           "note": o.note} for o in summary.dietary_notes],
        "orders": [{**asdict(o), "status_text": STATUS_TEXT[o.status]} for o in summary.orders],
    }


@bp.get("/canteen/orders")
@api_doc(summary="助餐点当天的份数、送餐、忌口和订单", query=OrdersQuery, response=KitchenSummaryOut)
@login_required
def list_canteen_orders() -> Any:
    """Show the operator's canteen's day: counts, deliveries, dietary notes and orders."""
    args = parse_query(OrdersQuery)
    actor = current_person()
    operated = meals.list_operated_canteens(db(), actor=actor)
    canteen = next((c for c in operated if args.canteen_id in (None, c.id)), None)
    if canteen is None:
        raise NotFound("没有找到您负责的助餐点。")
    summary = meals.kitchen_summary(db(), actor=actor, canteen_id=canteen.id,
                                    day=args.date or clock.today(), meal=args.meal)
    return jsonify(summary_json(summary))


@bp.post("/canteen/bookings/<int:booking_id>/served")
@api_doc(summary="标记已用餐（或已送达）", response=BookingOut)
@login_required
def mark_meal_served(booking_id: int) -> Any:
    """Mark a booked meal as eaten or delivered."""
    booking = meals.mark_served(db(), actor=current_person(), booking_id=booking_id)
    return jsonify(booking_json(booking))


@bp.post("/canteen/bookings/<int:booking_id>/no-show")
@api_doc(summary="标记未到", response=BookingOut)
@login_required
def mark_meal_no_show(booking_id: int) -> Any:
    """Mark a booked meal as not collected."""
    booking = meals.mark_no_show(db(), actor=current_person(), booking_id=booking_id)
    return jsonify(booking_json(booking))


@bp.get("/staff/meal-bookings")
@api_doc(summary="社工查看助餐点某天的订餐", query=StaffBookingsQuery, response=StaffBookingList)
@login_required
def list_staff_meal_bookings() -> Any:
    """List a canteen's bookings of a day for the community's staff."""
    args = parse_query(StaffBookingsQuery)
    rows = meals.list_canteen_bookings(db(), actor=current_person(), canteen_id=args.canteen_id,
                                       day=args.date or clock.today())
    return jsonify({"items": [{**booking_json(r.booking), "name": r.name} for r in rows]})


@bp.get("/staff/reports/meals.csv")
@api_doc(summary="导出助餐点月度结算（CSV，留痕）", query=SettlementQuery)
@login_required
def export_meal_settlement() -> Any:
    """Export a canteen's monthly settlement as CSV (audited)."""
    args = parse_query(SettlementQuery)
    text = meals.monthly_settlement_csv(db(), actor=current_person(), canteen_id=args.canteen_id,
                                        month=args.month)
    return Response(UTF8_BOM + text, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": attachment(f"助餐结算-{args.canteen_id}-{args.month}.csv")})

"""Canteen-operator and staff routes for meals: orders, serving, lists and the settlement CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from flask import Response
from pydantic import BaseModel, Field

from core import clock
from core.errors import NotFound
from core.uow import db
from core.validation import Query, reply
from core.web import attachment
from miniprogram_api import MAX_ID, bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.meals import STATUS_TEXT, BookingOut, BookingStatus, Meal
from miniprogram_api.openapi import api_doc
from services import meals
from services.meals.kitchen import StaffBookingRow
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

    @classmethod
    def of(cls, summary: meals.KitchenSummary) -> KitchenSummaryOut:
        return cls(
            canteen_id=summary.canteen_id, date=summary.day, date_text=day_text(summary.day),
            counts=[MealCountOut(**asdict(c), meal_name=meal_text(c.meal))
                    for c in summary.counts.values()],
            deliveries=[KitchenOrderOut(**asdict(o)) for o in summary.deliveries],
            dietary_notes=[DietaryNoteOut(booking_id=o.booking_id, meal=o.meal,
                                          name=o.name, note=o.note or "")
                           for o in summary.dietary_notes],
            orders=[OrderOut(**asdict(o), status_text=STATUS_TEXT[o.status]) for o in summary.orders])


class StaffBookingOut(BookingOut):
    name: str = Field(description="打码的姓名")

    @classmethod
    def of_row(cls, row: StaffBookingRow) -> StaffBookingOut:
        return cls(**cls.fields_of(row.booking), name=row.name)


class StaffBookingList(BaseModel):
    items: list[StaffBookingOut]


@bp.get("/canteen/orders")
@login_required
@api_doc(summary="助餐点当天的份数、送餐、忌口和订单", query=OrdersQuery, response=KitchenSummaryOut)
def list_canteen_orders(query: OrdersQuery) -> Any:
    """Show the operator's canteen's day: counts, deliveries, dietary notes and orders."""
    actor = current_person()
    operated = meals.list_operated_canteens(db(), actor=actor)
    canteen = next((c for c in operated if query.canteen_id in (None, c.id)), None)
    if canteen is None:
        raise NotFound("没有找到您负责的助餐点。")
    summary = meals.kitchen_summary(db(), actor=actor, canteen_id=canteen.id,
                                    day=query.date or clock.today(), meal=query.meal)
    return reply(KitchenSummaryOut.of(summary))


@bp.post("/canteen/bookings/<int:booking_id>/served")
@login_required
@api_doc(summary="标记已用餐（或已送达）", response=BookingOut)
def mark_meal_served(booking_id: int) -> Any:
    """Mark a booked meal as eaten or delivered."""
    booking = meals.mark_served(db(), actor=current_person(), booking_id=booking_id)
    return reply(BookingOut.of(booking))


@bp.post("/canteen/bookings/<int:booking_id>/no-show")
@login_required
@api_doc(summary="标记未到", response=BookingOut)
def mark_meal_no_show(booking_id: int) -> Any:
    """Mark a booked meal as not collected."""
    booking = meals.mark_no_show(db(), actor=current_person(), booking_id=booking_id)
    return reply(BookingOut.of(booking))


@bp.get("/staff/meal-bookings")
@login_required
@api_doc(summary="社工查看助餐点某天的订餐", query=StaffBookingsQuery, response=StaffBookingList)
def list_staff_meal_bookings(query: StaffBookingsQuery) -> Any:
    """List a canteen's bookings of a day for the community's staff."""
    rows = meals.list_canteen_bookings(db(), actor=current_person(), canteen_id=query.canteen_id,
                                       day=query.date or clock.today())
    return reply(StaffBookingList(items=[StaffBookingOut.of_row(r) for r in rows]))


@bp.get("/staff/reports/meals.csv")
@login_required
@api_doc(summary="导出助餐点月度结算（CSV，留痕）", query=SettlementQuery)
def export_meal_settlement(query: SettlementQuery) -> Any:
    """Export a canteen's monthly settlement as CSV (audited)."""
    text = meals.monthly_settlement_csv(db(), actor=current_person(), canteen_id=query.canteen_id,
                                        month=query.month)
    return Response(UTF8_BOM + text, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": attachment(f"助餐结算-{query.canteen_id}-{query.month}.csv")})

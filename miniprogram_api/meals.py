"""Resident routes for meals: canteens, menus, quotes, bookings and cancellations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from core import clock
from core.errors import ValidationFailed
from core.uow import db
from core.validation import Body, Moment, Query, reply
from miniprogram_api import MAX_ID, bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from models.meals import Canteen, CanteenMeal, MealBooking, Menu
from services import meals
from services.meals.canteens import cutoff_at, describe_meal, served_meals
from services.meals.wording import day_text, meal_text, moment_text, yuan

Meal = Literal["breakfast", "lunch", "dinner"]
BookingStatus = Literal["booked", "served", "no_show", "cancelled"]
STATUS_TEXT = {"booked": "已预订", "served": "已用餐", "no_show": "未到", "cancelled": "已取消"}

# Ids in bodies and queries fit an INTEGER column, like path ids.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class CanteenQuery(Query):
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)
    community_id: Id | None = None


class MenuQuery(Query):
    date: dt.date | None = None
    meal: Meal | None = None


class MealBody(Body):
    person_id: Id | None = None
    canteen_id: Id
    date: dt.date
    meal: Meal
    count: int = Field(default=1, ge=1, le=5)
    delivery: bool = False


class BookBody(MealBody):
    note: str | None = Field(default=None, max_length=100)


class MyBookingsQuery(Query):
    person_id: Id | None = None
    from_date: dt.date | None = Field(default=None, alias="from")


class ServedMealOut(BaseModel):
    meal: Meal
    name: str
    price_fen: int
    capacity: int
    text: str = Field(description="如 午餐 8元，当天09:30前预订")

    @classmethod
    def of(cls, served: CanteenMeal) -> ServedMealOut:
        return cls(meal=served.meal, name=meal_text(served.meal), price_fen=served.price_fen,
                   capacity=served.capacity, text=describe_meal(served))


class CanteenOut(BaseModel):
    id: int
    name: str
    address: str
    phone: str | None
    community_id: int
    latitude: float
    longitude: float
    distance_km: float | None = Field(description="按位置查询时的距离（公里），否则为 null")
    open_weekdays: str = Field(description="营业的星期，如 1234567")
    delivers: bool
    delivery_radius_m: int
    delivery_fee_fen: int
    meals: list[ServedMealOut]

    @classmethod
    def of(cls, canteen: Canteen, distance_km: float | None = None) -> CanteenOut:
        return cls(
            id=canteen.id, name=canteen.name, address=canteen.address, phone=canteen.phone,
            community_id=canteen.community_id, latitude=canteen.latitude,
            longitude=canteen.longitude, distance_km=distance_km,
            open_weekdays=canteen.open_weekdays, delivers=canteen.delivers,
            delivery_radius_m=canteen.delivery_radius_m, delivery_fee_fen=canteen.delivery_fee_fen,
            meals=[ServedMealOut.of(m) for m in served_meals(canteen)])


class CanteenList(BaseModel):
    items: list[CanteenOut]


class MenuOut(BaseModel):
    date: dt.date
    date_text: str
    meal: Meal
    meal_name: str
    dishes: list[str]
    tags: list[str]

    @classmethod
    def of(cls, menu: Menu) -> MenuOut:
        return cls(date=menu.day, date_text=day_text(menu.day), meal=menu.meal,
                   meal_name=meal_text(menu.meal), dishes=menu.dishes, tags=menu.tags)


class MenuList(BaseModel):
    items: list[MenuOut]


class PriceLineOut(BaseModel):
    label: str
    price_fen: int
    subsidy_fen: int
    payable_fen: int


class QuoteOut(BaseModel):
    person_id: int
    canteen_id: int
    date: dt.date
    date_text: str
    meal: Meal
    count: int
    delivery: bool
    price_fen: int
    subsidy_fen: int
    payable_fen: int
    payable_text: str
    reason: str = Field(description="为什么是这个价格（中文）")
    lines: list[PriceLineOut]
    seats_left: int

    @classmethod
    def of(cls, quote: meals.Quote) -> QuoteOut:
        return cls(
            person_id=quote.person_id, canteen_id=quote.canteen_id, date=quote.day,
            date_text=day_text(quote.day), meal=quote.meal, count=quote.count,
            delivery=quote.delivery, price_fen=quote.price_fen, subsidy_fen=quote.subsidy_fen,
            payable_fen=quote.payable_fen, payable_text=yuan(quote.payable_fen), reason=quote.reason,
            lines=[PriceLineOut(**line.to_dict()) for line in quote.lines],
            seats_left=quote.seats_left)


class CanteenBrief(BaseModel):
    id: int
    name: str


class BookingOut(BaseModel):
    id: int
    person_id: int
    canteen: CanteenBrief
    date: dt.date
    date_text: str
    meal: Meal
    meal_name: str
    count: int
    delivery: bool
    price_fen: int
    subsidy_fen: int
    payable_fen: int
    payable_text: str
    reason: str
    lines: list[PriceLineOut]
    note: str | None
    status: BookingStatus
    status_text: str
    cancel_before: Moment | None = Field(description="取消（和预订）的截止时间")
    cancel_before_text: str | None
    standing_order_id: int | None = Field(description="由长期订餐自动预订时为长期订餐的 id")

    @classmethod
    def fields_of(cls, booking: MealBooking) -> dict[str, Any]:
        """The booking's fields, for this model and the ones that extend it."""
        served = next((m for m in booking.canteen.meals if m.meal == booking.meal), None)
        cutoff = cutoff_at(served, booking.day) if served else None
        return {
            "id": booking.id, "person_id": booking.person_id,
            "canteen": CanteenBrief(id=booking.canteen.id, name=booking.canteen.name),
            "date": booking.day, "date_text": day_text(booking.day), "meal": booking.meal,
            "meal_name": meal_text(booking.meal), "count": booking.count,
            "delivery": booking.delivery, "price_fen": booking.price_fen,
            "subsidy_fen": booking.subsidy_fen, "payable_fen": booking.payable_fen,
            "payable_text": yuan(booking.payable_fen), "reason": booking.reason,
            "lines": booking.breakdown.get("lines", []), "note": booking.note,
            "status": booking.status, "status_text": STATUS_TEXT[booking.status],
            "cancel_before": cutoff,
            "cancel_before_text": moment_text(cutoff) if cutoff else None,
            "standing_order_id": booking.standing_order_id,
        }

    @classmethod
    def of(cls, booking: MealBooking) -> BookingOut:
        return cls(**cls.fields_of(booking))


class BookingList(BaseModel):
    items: list[BookingOut]


@bp.get("/canteens")
@login_required
@api_doc(summary="附近或本社区的助餐点", query=CanteenQuery, response=CanteenList)
def list_canteens(query: CanteenQuery) -> Any:
    """List canteens near a point (nearest first) or in a community (default: the caller's)."""
    if (query.lat is None) != (query.lng is None):
        raise ValidationFailed("请同时提供 lat 和 lng。")
    if query.lat is not None and query.lng is not None:
        near = meals.list_canteens_near(db(), lat=query.lat, lng=query.lng)
        return reply(CanteenList(items=[CanteenOut.of(c, km) for c, km in near]))
    community_id = query.community_id or current_person().community_id
    found = meals.list_canteens_in_community(db(), community_id=community_id) if community_id else []
    return reply(CanteenList(items=[CanteenOut.of(c) for c in found]))


@bp.get("/canteens/<int:canteen_id>/menu")
@login_required
@api_doc(summary="助餐点某天的菜单", query=MenuQuery, response=MenuList)
def get_canteen_menu(canteen_id: int, query: MenuQuery) -> Any:
    """Show a canteen's menu for a day (default today)."""
    found = meals.get_menu(db(), canteen_id=canteen_id, day=query.date or clock.today(),
                           meal=query.meal)
    return reply(MenuList(items=[MenuOut.of(m) for m in found]))


@bp.post("/meal-bookings/quote")
@login_required
@api_doc(summary="试算一餐的价格和补贴（不预订）", body=MealBody, response=QuoteOut)
def quote_meal_booking(body: MealBody) -> Any:
    """Price a meal: price, subsidy, payable and the reason, without booking."""
    actor = current_person()
    quote = meals.quote_meal(db(), actor=actor, person_id=body.person_id or actor.id,
                             canteen_id=body.canteen_id, day=body.date, meal=body.meal,
                             count=body.count, delivery=body.delivery)
    return reply(QuoteOut.of(quote))


@bp.post("/meal-bookings")
@login_required
@idempotent
@api_doc(summary="预订助餐（本人或代办的老人）", body=BookBody, response=BookingOut, status=201)
def create_meal_booking(body: BookBody) -> Any:
    """Book a meal for the caller or for someone they may act for."""
    actor = current_person()
    booking = meals.book_meal(db(), actor=actor, person_id=body.person_id or actor.id,
                              canteen_id=body.canteen_id, day=body.date, meal=body.meal,
                              count=body.count, delivery=body.delivery, channel="miniprogram",
                              note=body.note)
    return reply(BookingOut.of(booking), 201)


@bp.get("/meal-bookings")
@login_required
@api_doc(summary="我（或代办老人）的订餐", query=MyBookingsQuery, response=BookingList)
def list_meal_bookings(query: MyBookingsQuery) -> Any:
    """List the caller's (or their principal's) bookings from a day on, soonest first."""
    found = meals.list_my_bookings(db(), actor=current_person(), person_id=query.person_id,
                                   from_day=query.from_date)
    return reply(BookingList(items=[BookingOut.of(b) for b in found]))


@bp.post("/meal-bookings/<int:booking_id>/cancel")
@login_required
@api_doc(summary="在截止前取消订餐", response=BookingOut)
def cancel_meal_booking(booking_id: int) -> Any:
    """Cancel a booking before its cutoff."""
    booking = meals.cancel_meal_booking(db(), actor=current_person(), booking_id=booking_id)
    return reply(BookingOut.of(booking))

"""Resident routes for standing orders (长期订餐): set up, read, change, pause, resume, end."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from core import clock
from core.uow import db
from core.validation import Body, Query, reply
from miniprogram_api import bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.meals import CanteenBrief, Id, Meal
from miniprogram_api.openapi import api_doc
from models.standing import StandingOrder
from services.meals import standing
from services.meals.wording import day_text, meal_text

DAYS_PATTERN = r"^(daily|workdays|[1-7]{1,7})$"
DAYS_HELP = "daily 每天；workdays 国家法定工作日（含调休上班日）；或星期几的数字，如 135 = 每周一、三、五"


class StandingBody(Body):
    person_id: Id | None = None
    canteen_id: Id
    meal: Meal
    days: str = Field(pattern=DAYS_PATTERN, description=DAYS_HELP)
    count: int = Field(default=1, ge=1, le=5)
    delivery: bool = False
    starts_on: dt.date | None = Field(default=None, description="默认：最近一个还能订的日子")
    note: str | None = Field(default=None, max_length=100)


class StandingChange(Body):
    days: str | None = Field(default=None, pattern=DAYS_PATTERN, description=DAYS_HELP)
    count: int | None = Field(default=None, ge=1, le=5)
    delivery: bool | None = None
    note: str | None = Field(default=None, max_length=100)


class PauseBody(Body):
    from_date: dt.date = Field(alias="from")
    to_date: dt.date = Field(alias="to")


class StandingQuery(Query):
    person_id: Id | None = None
    include_ended: bool = False


class PlannedDayOut(BaseModel):
    date: dt.date
    date_text: str
    books: bool = Field(description="这天会自动预订")
    skip_reason: str | None = Field(description="不订的原因，如 中秋节放假、助餐点休息、暂停")


class StandingOut(BaseModel):
    id: int
    person_id: int
    canteen: CanteenBrief
    meal: Meal
    meal_name: str
    days: str
    days_text: str
    count: int
    delivery: bool
    starts_on: dt.date
    paused_from: dt.date | None
    paused_until: dt.date | None
    status: Literal["active", "ended"]
    note: str | None
    text: str = Field(description="给老人看的核对文字：哪几天、哪一餐、怎么吃、从哪天起、接下来订哪几天")
    upcoming: list[PlannedDayOut]

    @classmethod
    def fields_of(cls, order: StandingOrder) -> dict[str, Any]:
        """The order's fields, for this model and the one that extends it."""
        active = order.status == "active"
        plan = standing.plan_days(order, start=clock.today()) if active else []
        return {
            "id": order.id, "person_id": order.person_id,
            "canteen": CanteenBrief(id=order.canteen.id, name=order.canteen.name),
            "meal": order.meal, "meal_name": meal_text(order.meal), "days": order.days,
            "days_text": standing.days_text(order.days), "count": order.count,
            "delivery": order.delivery, "starts_on": order.starts_on,
            "paused_from": order.paused_from, "paused_until": order.paused_until,
            "status": order.status, "note": order.note,
            "text": standing.describe_standing_order(order) if active else "已停",
            "upcoming": [PlannedDayOut(date=p.day, date_text=day_text(p.day), books=p.skip is None,
                                       skip_reason=p.skip) for p in plan],
        }

    @classmethod
    def of(cls, order: StandingOrder) -> StandingOut:
        return cls(**cls.fields_of(order))


class StandingChangeOut(StandingOut):
    cancelled: list[dt.date] = Field(description="暂停或停掉时取消的已订日子")
    kept: list[dt.date] = Field(description="已过取消时间、仍会照常准备的日子")
    released_text: str

    @classmethod
    def of_released(cls, order: StandingOrder, released: standing.Released) -> StandingChangeOut:
        return cls(**cls.fields_of(order), cancelled=released.cancelled, kept=released.kept,
                   released_text=standing.released_text(released, order.meal))


class StandingList(BaseModel):
    items: list[StandingOut]


@bp.get("/meals/standing-orders")
@login_required
@api_doc(summary="我（或代办老人）的长期订餐", query=StandingQuery, response=StandingList)
def list_standing_orders(query: StandingQuery) -> Any:
    """List the caller's (or their principal's) standing orders."""
    found = standing.list_standing_orders(db(), actor=current_person(), person_id=query.person_id,
                                          include_ended=query.include_ended)
    return reply(StandingList(items=[StandingOut.of(o) for o in found]))


@bp.post("/meals/standing-orders")
@login_required
@idempotent
@api_doc(summary="设长期订餐（每天 / 工作日 / 每周几）", body=StandingBody, response=StandingOut,
         status=201)
def create_standing_order(body: StandingBody) -> Any:
    """Set up a standing order for the caller or someone they may act for."""
    actor = current_person()
    order = standing.create_standing_order(
        db(), actor=actor, person_id=body.person_id or actor.id, canteen_id=body.canteen_id,
        meal=body.meal, days=body.days, count=body.count, delivery=body.delivery,
        starts_on=body.starts_on, note=body.note, channel="miniprogram")
    return reply(StandingOut.of(order), 201)


@bp.get("/meals/standing-orders/<int:order_id>")
@login_required
@api_doc(summary="一个长期订餐：核对文字和接下来的日子", response=StandingOut)
def get_standing_order(order_id: int) -> Any:
    """Show one standing order with its read-back and next days."""
    return reply(StandingOut.of(standing.get_standing_order(db(), actor=current_person(),
                                                            order_id=order_id)))


@bp.patch("/meals/standing-orders/<int:order_id>")
@login_required
@api_doc(summary="改长期订餐的日子、份数、送餐或备注", body=StandingChange, response=StandingOut)
def change_standing_order(order_id: int, body: StandingChange) -> Any:
    """Change a standing order from its next booking on."""
    order = standing.change_standing_order(db(), actor=current_person(), order_id=order_id,
                                           days=body.days, count=body.count,
                                           delivery=body.delivery, note=body.note)
    return reply(StandingOut.of(order))


@bp.delete("/meals/standing-orders/<int:order_id>")
@login_required
@api_doc(summary="停掉长期订餐（还能取消的已订日子一并取消）", response=StandingChangeOut)
def end_standing_order(order_id: int) -> Any:
    """End a standing order; its future bookings are cancelled where still allowed."""
    order, released = standing.end_standing_order(db(), actor=current_person(), order_id=order_id)
    return reply(StandingChangeOut.of_released(order, released))


@bp.post("/meals/standing-orders/<int:order_id>/pause")
@login_required
@api_doc(summary="暂停长期订餐几天（如住院）", body=PauseBody, response=StandingChangeOut)
def pause_standing_order(order_id: int, body: PauseBody) -> Any:
    """Pause a standing order from one day to another, both included."""
    order, released = standing.pause_standing_order(db(), actor=current_person(), order_id=order_id,
                                                    from_day=body.from_date, to_day=body.to_date)
    return reply(StandingChangeOut.of_released(order, released))


@bp.post("/meals/standing-orders/<int:order_id>/resume")
@login_required
@api_doc(summary="提前恢复暂停的长期订餐", response=StandingOut)
def resume_standing_order(order_id: int) -> Any:
    """End a pause now."""
    order = standing.resume_standing_order(db(), actor=current_person(), order_id=order_id)
    return reply(StandingOut.of(order))

"""Access-matrix rows for meal bookings: residents cancel their own, operators mark their canteen's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from models.meals import Canteen, MealBooking
from services import meals
from tests.e2e.access_rows_people import but, person

SECRET_NOTE = "不吃香菜-矩阵机密"


def _canteen(s: Session, code: str) -> Canteen:
    return s.scalars(select(Canteen).where(Canteen.code == code)).one()


def _booked_tomorrow(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    """王秀英 books tomorrow's dinner at 阳光社区助餐点 (still before the cutoff)."""
    wang = person(s, people, "demo_elder_wang")
    booking = meals.book_meal(
        s, actor=wang, person_id=wang.id, canteen_id=_canteen(s, "ZC-YG").id,
        day=clock.today() + timedelta(days=1), meal="dinner", count=1, delivery=False,
        channel="miniprogram", note=SECRET_NOTE)
    return booking.id, [SECRET_NOTE, "王秀英", "13800138001", booking.reason]


def _booked_today(code: str, openid: str):  # type: ignore[no-untyped-def]
    def make(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
        """A booking of today's lunch (set up directly: the cutoff may have passed)."""
        who = person(s, people, openid)
        booking = MealBooking(
            person_id=who.id, canteen_id=_canteen(s, code).id, day=clock.today(), meal="lunch",
            count=1, delivery=False, price_fen=800, subsidy_fen=400, payable_fen=400,
            reason="低保老人每餐补贴4元-矩阵", breakdown={"lines": []}, note=SECRET_NOTE,
            booked_by_id=who.id, channel="miniprogram", status="booked")
        s.add(booking)
        s.flush()
        return booking.id, [SECRET_NOTE, booking.reason, who.name or "", who.phone or ""]

    return make


ROWS: list[dict[str, Any]] = [
    {"name": "cancel meal booking (proxy may)", "method": "POST",
     "path": "/api/v1/meal-bookings/{id}/cancel", "make": _booked_tomorrow,
     "allowed": "demo_family_wang", "denied": but("demo_elder_wang", "demo_family_wang")},
    {"name": "cancel meal booking (owner)", "method": "POST",
     "path": "/api/v1/meal-bookings/{id}/cancel", "make": _booked_tomorrow,
     "allowed": "demo_elder_wang", "denied": but("demo_elder_wang", "demo_family_wang")},
    {"name": "canteen marks served", "method": "POST",
     "path": "/api/v1/canteen/bookings/{id}/served",
     "make": _booked_today("ZC-YG", "demo_elder_wang"),
     "allowed": "demo_canteen_sun", "denied": but("demo_canteen_sun")},
    {"name": "canteen marks no-show", "method": "POST",
     "path": "/api/v1/canteen/bookings/{id}/no-show",
     "make": _booked_today("ZC-YG", "demo_elder_wang"),
     "allowed": "demo_canteen_sun", "denied": but("demo_canteen_sun")},
    {"name": "other canteen marks served", "method": "POST",
     "path": "/api/v1/canteen/bookings/{id}/served",
     "make": _booked_today("ZC-HM", "demo_elder_li"),
     "allowed": "demo_canteen_qian", "denied": but("demo_canteen_qian")},
    {"name": "other canteen marks no-show", "method": "POST",
     "path": "/api/v1/canteen/bookings/{id}/no-show",
     "make": _booked_today("ZC-HM", "demo_elder_li"),
     "allowed": "demo_canteen_qian", "denied": but("demo_canteen_qian")},
]

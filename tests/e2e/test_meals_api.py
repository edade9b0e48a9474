"""Meals over HTTP with the demo data: a resident, a family member, a canteen and staff."""

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.audit import AuditEntry
from models.meals import Canteen, MealBooking

pytestmark = pytest.mark.e2e

TOMORROW = "2026-11-30"


@pytest.fixture
def api(client, frozen_clock, demo_people, token_for):
    """Call the API as a demo person: api("demo_elder_wang").get(...)."""

    class As:
        def __init__(self, openid):
            self.headers = {"Authorization": f"Bearer {token_for(demo_people[openid])}"}

        def get(self, url):
            return client.get(url, headers=self.headers)

        def post(self, url, json=None, **headers):
            return client.post(url, json=json, headers={**self.headers, **headers})

    return As


def _canteen_id(code):
    with session_scope() as s:
        return s.scalars(select(Canteen.id).where(Canteen.code == code)).one()


def _lunch(**extra):
    return {"canteen_id": _canteen_id("ZC-YG"), "date": TOMORROW, "meal": "lunch", **extra}


def test_resident_finds_canteens_near_home_and_in_the_community(api):
    wang = api("demo_elder_wang")
    near = wang.get("/api/v1/canteens?lat=30.2745&lng=120.1556").get_json()["items"]
    assert [c["name"] for c in near] == ["阳光社区助餐点", "和睦社区助餐点"]
    assert near[0]["distance_km"] < 0.1 < near[1]["distance_km"]
    mine = wang.get("/api/v1/canteens").get_json()["items"]
    assert [c["name"] for c in mine] == ["阳光社区助餐点"]
    assert mine[0]["meals"][0]["text"] == "早餐 3元，前一天20:00前预订"


def test_menu_for_a_day(api):
    menu = api("demo_elder_wang").get(f"/api/v1/canteens/{_canteen_id('ZC-YG')}/menu?date={TOMORROW}")
    items = menu.get_json()["items"]
    assert [m["meal_name"] for m in items] == ["早餐", "午餐", "晚餐"]
    assert items[1]["dishes"] and items[1]["date_text"] == "11月30日（明天）"


def test_quote_book_replay_and_cancel(api):
    wang = api("demo_elder_wang")
    quote = wang.post("/api/v1/meal-bookings/quote", json=_lunch()).get_json()
    assert quote["reason"] == "您80岁以上且为低保对象，每餐补贴6元，实付2元。"
    key = {"Idempotency-Key": "meal-book-0001"}
    first = wang.post("/api/v1/meal-bookings", json=_lunch(), **key)
    again = wang.post("/api/v1/meal-bookings", json=_lunch(), **key)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    booking = first.get_json()
    assert (booking["payable_text"], booking["status_text"]) == ("2元", "已预订")
    assert booking["cancel_before_text"] == "11月30日（明天）09:30"
    twice = wang.post("/api/v1/meal-bookings", json=_lunch(), **{"Idempotency-Key": "meal-book-0002"})
    assert twice.status_code == 409 and twice.get_json()["code"] == "ALREADY_BOOKED"
    assert [b["id"] for b in wang.get("/api/v1/meal-bookings").get_json()["items"]] == [booking["id"]]
    cancelled = wang.post(f"/api/v1/meal-bookings/{booking['id']}/cancel")
    assert cancelled.get_json()["status_text"] == "已取消"


def test_family_member_books_for_the_elder_and_a_stranger_cannot(api, demo_people):
    elder = demo_people["demo_elder_wang"]
    son = api("demo_family_wang").post("/api/v1/meal-bookings", json=_lunch(person_id=elder))
    assert son.status_code == 201
    assert (son.get_json()["person_id"], son.get_json()["subsidy_fen"]) == (elder, 600)
    stranger = api("demo_elder_li").post("/api/v1/meal-bookings",
                                         json=_lunch(person_id=elder, meal="dinner"))
    assert stranger.status_code == 403


def test_errors_name_the_reason_in_chinese(api):
    li = api("demo_elder_li")
    hm = _canteen_id("ZC-HM")
    far = li.post("/api/v1/meal-bookings", json=_lunch(canteen_id=hm, delivery=True)).get_json()
    assert far == {"code": "OUT_OF_DELIVERY_AREA", "request_id": far["request_id"],
                   "message": "和睦社区助餐点不送餐。可以到店用餐，或请家人代取。"}
    closed = li.post("/api/v1/meal-bookings", json={
        "canteen_id": hm, "date": "2026-12-06", "meal": "lunch"})
    assert closed.status_code == 422 and closed.get_json()["code"] == "CANTEEN_CLOSED"
    bad = li.post("/api/v1/meal-bookings", json=_lunch(meal="supper", count=9))
    assert bad.status_code == 400 and set(bad.get_json()["fields"]) == {"meal", "count"}


def test_canteen_sees_orders_and_marks_them(api, frozen_clock, demo_people):
    api("demo_elder_wang").post("/api/v1/meal-bookings", json=_lunch(delivery=True, note="少盐，牙口不好"))
    sun = api("demo_canteen_sun")
    day = sun.get(f"/api/v1/canteen/orders?date={TOMORROW}").get_json()
    lunch = next(c for c in day["counts"] if c["meal"] == "lunch")
    assert (lunch["booked"], lunch["delivery"], lunch["eat_in"]) == (1, 1, 0)
    stop = day["deliveries"][0]
    assert (stop["name"], stop["phone"], stop["address"]) == ("王**", "138****8001", "阳光社区3号楼2单元101")
    assert day["dietary_notes"][0]["note"] == "少盐，牙口不好"
    booking_id = stop["booking_id"]
    assert api("demo_canteen_qian").post(f"/api/v1/canteen/bookings/{booking_id}/served").status_code == 404
    too_early = sun.post(f"/api/v1/canteen/bookings/{booking_id}/served")
    assert too_early.status_code == 409
    frozen_clock.advance(days=1, hours=3)
    served = sun.post(f"/api/v1/canteen/bookings/{booking_id}/served")
    assert served.status_code == 200 and served.get_json()["status_text"] == "已用餐"
    with session_scope() as s:
        reads = s.scalars(select(AuditEntry).where(AuditEntry.actor_id == demo_people["demo_canteen_sun"]))
        assert [e.action for e in reads] == ["read"]


def test_staff_list_and_audited_settlement_export(api, frozen_clock, demo_people):
    canteen_id = _canteen_id("ZC-YG")
    booked = api("demo_elder_wang").post("/api/v1/meal-bookings", json=_lunch()).get_json()
    frozen_clock.advance(days=1, hours=3)
    api("demo_canteen_sun").post(f"/api/v1/canteen/bookings/{booked['id']}/served")
    liu = api("demo_staff_liu")
    listed = liu.get(f"/api/v1/staff/meal-bookings?date={TOMORROW}&canteen_id={canteen_id}")
    assert [(b["name"], b["status"]) for b in listed.get_json()["items"]] == [("王**", "served")]
    report = liu.get(f"/api/v1/staff/reports/meals.csv?month=2026-11&canteen_id={canteen_id}")
    assert report.status_code == 200 and report.mimetype == "text/csv"
    lines = report.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "助餐点,阳光社区助餐点,月份,2026-11"
    assert lines[2:] == ["低保,1,1,0,1,6.00,2.00", "合计,1,1,0,1,6.00,2.00"]
    with session_scope() as s:
        exports = s.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
        assert [(e.actor_id, e.subject_id) for e in exports] == [(demo_people["demo_staff_liu"], canteen_id)]
    other = api("demo_staff_chen").get(f"/api/v1/staff/reports/meals.csv?month=2026-11&canteen_id={canteen_id}")
    assert other.status_code == 403
    with session_scope() as s:
        assert s.scalars(select(MealBooking.status)).all() == ["served"]

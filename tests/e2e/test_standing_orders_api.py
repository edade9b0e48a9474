"""Standing orders over HTTP, for a brand-new resident and the daughter who acts for her."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from models.messaging import Notification
from services import meals
from services.meals.standing_job import book_standing_orders
from tests.factories import make_person, make_proxy
from tests.meals_factories import make_canteen, make_elder

pytestmark = pytest.mark.e2e

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/meals/standing-orders"


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 9, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def people(client, frozen_clock, token_for):
    frozen_clock.set(at(20, 10))  # Sunday before the Mid-Autumn holiday (25–27日)
    with session_scope() as s:
        canteen = make_canteen(s, capacity=1, name="阳光助餐点")
        elder = make_elder(s, name="陈玉兰")
        elder.community_id = canteen.community_id
        daughter = make_person(s, name="陈晓")
        stranger = make_person(s, name="路人甲")
        neighbour = make_elder(s, name="赵桂兰")
        make_proxy(s, principal=elder, agent=daughter)
        meals.book_meal(s, actor=neighbour, person_id=neighbour.id, canteen_id=canteen.id,
                        day=date(2026, 9, 23), meal="dinner", count=1, delivery=False)
        ids = {"canteen": canteen.id, "elder": elder.id}
        who = {"elder": elder.id, "daughter": daughter.id, "stranger": stranger.id}
    tokens = {name: token_for(person_id) for name, person_id in who.items()}

    class As:
        def __init__(self, who):
            self.headers = {"Authorization": f"Bearer {tokens[who]}"}

        def __getattr__(self, method):
            return lambda url, **kw: getattr(client, method)(url, headers=self.headers, **kw)

    return ids, As


def _run_job():
    for _ in range(2):  # twice: the second run books nothing more
        with session_scope() as s:
            book_standing_orders(s, now=clock.now())


def test_a_daughter_sets_up_mwf_dinners_and_the_week_runs(people, frozen_clock):
    ids, As = people
    daughter, elder = As("daughter"), As("elder")
    body = {"person_id": ids["elder"], "canteen_id": ids["canteen"], "meal": "dinner",
            "days": "135", "delivery": True}
    assert As("stranger").post(URL, json=body).status_code == 403
    made = daughter.post(URL, json=body)
    assert made.status_code == 201, made.get_json()
    order = made.get_json()
    assert order["days_text"] == "每周一、三、五"
    assert order["text"].splitlines() == [
        "每周一、三、五晚餐 1份 送餐上门（阳光助餐点），从9月21日（明天）起。",
        "接下来会订：9月21日（明天）、9月23日（周三）、9月28日（周一）、9月30日（周三）、10月9日（周五）。",
        "不订：9月25日（周五）中秋节放假、10月2日（周五）国庆节放假、10月5日（周一）国庆节放假、"
        "10月7日（周三）国庆节放假。",
    ]
    assert [d["skip_reason"] for d in order["upcoming"]][:4] == [None, None, "中秋节放假", None]
    # The elder sees it too; a stranger does not.
    assert [o["id"] for o in elder.get(URL).get_json()["items"]] == [order["id"]]
    assert As("stranger").get(f"{URL}/{order['id']}").status_code == 404

    frozen_clock.set(at(21, 8))  # Monday: tonight booked
    _run_job()
    mine = elder.get("/api/v1/meal-bookings").get_json()["items"]
    assert [(b["date"], b["standing_order_id"]) for b in mine] == [("2026-09-21", order["id"])]

    frozen_clock.set(at(22, 8))  # Tuesday: Wednesday is sold out — told, not skipped
    _run_job()
    with session_scope() as s:
        told = s.scalars(select(Notification.text).where(
            Notification.person_id == ids["elder"], Notification.template == "standing_order_missed"))
        assert [t.splitlines()[0] for t in told] == ["长期订餐：9月23日（明天）晚餐（阳光助餐点）没有订上。"]

    paused = daughter.post(f"{URL}/{order['id']}/pause",
                           json={"from": "2026-09-26", "to": "2026-10-04"})
    assert paused.status_code == 200
    assert paused.get_json()["text"].splitlines()[1] == (
        "暂停：9月26日（周六）到10月4日（周日），10月5日（周一）起照常订。")
    upcoming = paused.get_json()["upcoming"]
    assert [d["date"] for d in upcoming if d["books"]][:2] == ["2026-09-23", "2026-10-09"]
    assert {d["skip_reason"] for d in upcoming if d["date"] == "2026-09-28"} == {"暂停"}
    assert daughter.post(f"{URL}/{order['id']}/pause", json={"from": "2026-09-30",
                                                             "to": "2026-09-29"}).status_code == 400

    for day in (23, 24, 25, 26, 27):
        frozen_clock.set(at(day, 8))
        _run_job()
    assert [b["date"] for b in elder.get("/api/v1/meal-bookings?from=2026-09-21").get_json()["items"]
            if b["status"] == "booked"] == ["2026-09-21"]

    resumed = elder.post(f"{URL}/{order['id']}/resume")
    assert resumed.status_code == 200 and resumed.get_json()["paused_from"] is None
    _run_job()  # Sunday 27th 08:00: Monday 28th booked again
    booked = [b for b in elder.get("/api/v1/meal-bookings").get_json()["items"] if b["status"] == "booked"]
    assert [b["date"] for b in booked] == ["2026-09-28"]
    cancelled = elder.post(f"/api/v1/meal-bookings/{booked[0]['id']}/cancel")
    assert cancelled.get_json()["status"] == "cancelled"
    _run_job()  # a day cancelled on its own stays cancelled
    assert not [b for b in elder.get("/api/v1/meal-bookings").get_json()["items"]
                if b["status"] == "booked"]

    ended = elder.delete(f"{URL}/{order['id']}")
    assert ended.status_code == 200 and ended.get_json()["status"] == "ended"
    assert elder.get(URL).get_json()["items"] == []
    assert elder.delete(f"{URL}/{order['id']}").status_code == 409


def test_bad_input_is_a_field_error_not_a_500(people):
    ids, As = people
    elder = As("elder")
    for days in ("", "8", "weekly", "1 3"):
        got = elder.post(URL, json={"canteen_id": ids["canteen"], "meal": "lunch", "days": days})
        assert got.status_code == 400, days
    twice = elder.post(URL, json={"canteen_id": ids["canteen"], "meal": "lunch", "days": "11"})
    assert twice.status_code == 400 and twice.get_json()["code"]
    first = elder.post(URL, json={"canteen_id": ids["canteen"], "meal": "lunch", "days": "workdays"})
    assert first.status_code == 201
    again = elder.post(URL, json={"canteen_id": ids["canteen"], "meal": "lunch", "days": "daily"})
    assert again.status_code == 409 and again.get_json()["code"] == "STANDING_ORDER_EXISTS"
    changed = elder.patch(f"{URL}/{first.get_json()['id']}", json={"count": 2, "days": "1234567"})
    assert changed.get_json()["days_text"] == "每天" and changed.get_json()["count"] == 2

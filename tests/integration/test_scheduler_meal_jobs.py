from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from models.meals import MealBooking
from models.messaging import Notification
from scheduler.jobs import JOBS
from services.meals.menus import upsert_menu
from tests.meals_factories import make_canteen, make_elder, make_operator

pytestmark = pytest.mark.integration


def _job(job_id):
    return next(j for j in JOBS if j.id == job_id).func


def _book(s, person, canteen, day, *, delivery=False, status="booked"):
    s.add(MealBooking(person_id=person.id, canteen_id=canteen.id, day=day, meal="lunch", count=1,
                      delivery=delivery, price_fen=800, subsidy_fen=0, payable_fen=800, reason="",
                      breakdown={}, booked_by_id=person.id, channel="chat", status=status))


def _texts(s, template):
    rows = s.scalars(select(Notification).where(Notification.template == template)
                     .order_by(Notification.id))
    return [(n.person_id, n.text) for n in rows]


def test_evening_reminder_names_the_day_the_meal_and_the_menu(db, frozen_clock):
    tomorrow = clock.today() + timedelta(days=1)
    with session_scope() as s:
        canteen = make_canteen(s, name="阳光助餐点")
        wang, li, gone = make_elder(s), make_elder(s, name="李建国"), make_elder(s)
        _book(s, wang, canteen, tomorrow)
        _book(s, li, canteen, tomorrow, delivery=True)
        _book(s, gone, canteen, tomorrow, status="cancelled")
        upsert_menu(s, canteen_id=canteen.id, day=tomorrow, meal="lunch",
                    dishes=["红烧鱼", "青菜"], tags=[])
    frozen_clock.set(clock.local_datetime(clock.today(), 18))
    assert _job("meal_reminders_evening")() == 2
    assert _job("meal_reminders_evening")() == 2  # queued once per booking all the same
    with session_scope() as s:
        assert _texts(s, "meal_reminder") == [
            (wang.id, "11月30日（明天）午餐1份，请到阳光助餐点用餐。\n菜单：红烧鱼、青菜。\n不能来请提前取消。"),
            (li.id, "11月30日（明天）午餐1份，阳光助餐点会送餐上门。\n菜单：红烧鱼、青菜。\n不能来请提前取消。"),
        ]


def test_kitchen_summary_goes_to_the_operator_once_after_the_cutoff(db, frozen_clock):
    today = clock.today()
    with session_scope() as s:
        canteen = make_canteen(s, name="阳光助餐点")
        operator = make_operator(s, canteen)
        _book(s, make_elder(s), canteen, today)
        _book(s, make_elder(s), canteen, today, delivery=True)
    assert _job("kitchen_summaries")() == 0  # 09:00: lunch orders close at 09:30
    frozen_clock.advance(minutes=35)
    assert _job("kitchen_summaries")() == 1
    _job("kitchen_summaries")()
    with session_scope() as s:
        assert _texts(s, "kitchen_summary") == [
            (operator.id, "阳光助餐点11月29日（今天）午餐已截止订餐：共2份，堂食1份，送餐1份。")]

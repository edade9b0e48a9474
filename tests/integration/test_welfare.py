from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from models.meals import MealBooking
from models.messaging import Notification
from models.monitoring import RiskAlert
from models.region import Community
from scheduler.jobs import JOBS
from services.monitoring.welfare import run_welfare_checks
from tests.factories import make_person, make_proxy
from tests.meals_factories import make_canteen, make_elder

pytestmark = pytest.mark.integration


def _book(s, person, canteen, days_ago, status, meal="lunch"):
    s.add(MealBooking(person_id=person.id, canteen_id=canteen.id,
                      day=clock.today() - timedelta(days=days_ago), meal=meal, count=1,
                      price_fen=800, subsidy_fen=0, payable_fen=800, reason="", breakdown={},
                      booked_by_id=person.id, channel="chat", status=status))
    s.flush()


def _regular_elder(s, *, alone=True, age=80, last=("served", "served", "served")):
    elder = make_elder(s, alone=alone, age=age)
    canteen = make_canteen(s)
    for days_ago in range(20, 3, -1):
        _book(s, elder, canteen, days_ago, "served")
    for days_ago, status in zip((3, 2, 1), last, strict=True):
        _book(s, elder, canteen, days_ago, status)
    return elder, canteen


def _alerts(s):
    return list(s.scalars(select(RiskAlert).order_by(RiskAlert.id)))


def _messages(s):
    return list(s.scalars(select(Notification).where(Notification.template == "welfare_check")))


def test_three_missed_meals_raise_one_alert_and_ask_the_family_to_check_in(db, frozen_clock):
    with session_scope() as s:
        elder, _ = _regular_elder(s, last=("no_show", "no_show", "no_show"))
        son = make_person(s, name="王小明", birth_date=None)
        make_proxy(s, principal=elder, agent=son)
        assert run_welfare_checks(s, now=clock.now()) == 1
        assert run_welfare_checks(s, now=clock.now()) == 0  # same episode, told once
        [alert] = _alerts(s)
        assert (alert.kind, alert.level, alert.community_id) == (
            "missed_meals", "high", elder.community_id)
        assert "王秀英" not in alert.summary and "连续3次" in alert.summary
        [message] = _messages(s)
        assert message.person_id == son.id
        assert message.text.startswith("王**老人最近连续3次订了餐没来吃")


@pytest.mark.parametrize("case", ["served_last", "not_alone", "young", "only_two_missed"])
def test_no_alert_when_the_signs_are_not_there(db, frozen_clock, case):
    with session_scope() as s:
        if case == "served_last":
            _regular_elder(s, last=("no_show", "no_show", "served"))
        elif case == "not_alone":
            _regular_elder(s, alone=False, last=("no_show",) * 3)
        elif case == "young":
            _regular_elder(s, age=45, last=("no_show",) * 3)
        else:
            elder, canteen = _regular_elder(s, last=("served", "no_show", "no_show"))
            _book(s, elder, canteen, 0, "booked")  # today's lunch is not over yet
        assert run_welfare_checks(s, now=clock.now()) == 0
        assert _alerts(s) == [] and _messages(s) == []


def test_bookings_that_stopped_raise_an_alert_and_ask_a_volunteer(db, frozen_clock):
    with session_scope() as s:
        elder = make_elder(s, alone=True)
        canteen = make_canteen(s)
        for days_ago in range(25, 8, -1):
            _book(s, elder, canteen, days_ago, "served")
        helper = make_person(s, roles=("volunteer",), birth_date=None,
                             community=s.get(Community, elder.community_id))
        assert run_welfare_checks(s, now=clock.now()) == 1
        [alert] = _alerts(s)
        assert alert.kind == "meals_stopped"
        [message] = _messages(s)
        assert message.person_id == helper.id
        assert "王秀英" not in message.text and "社工已收到提醒" in message.text


def test_the_scheduled_job_runs_the_check_in_its_own_unit_of_work(db, frozen_clock):
    with session_scope() as s:
        _regular_elder(s, last=("no_show",) * 3)
    job = next(j for j in JOBS if j.id == "welfare_checks")
    assert job.func() == 1
    with session_scope() as s:
        assert [a.kind for a in _alerts(s)] == ["missed_meals"]

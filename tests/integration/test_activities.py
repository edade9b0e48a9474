"""Activities: capacity under concurrency, withdraw, edits and cancellations told, attendance, reminders."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.errors import LinliError
from models.activities import Activity
from models.messaging import Notification
from models.person import Person
from models.region import Community
from services.volunteers import (
    cancel_activity,
    get_points_balance,
    issue_attendance_code,
    record_attendance,
    remind_upcoming_activities,
    sign_up_for_activity,
    update_activity,
    withdraw_from_activity,
)
from services.volunteers.errors import ActivityFull, SignupClosed
from tests.volunteer_factories import make_activity, make_charity_admin, make_volunteer

pytestmark = pytest.mark.integration


@pytest.fixture
def setup(db, frozen_clock):
    with session_scope() as s:
        first = make_volunteer(s)
        community = s.get(Community, first.community_id)
        admin, org = make_charity_admin(s, community=community)
        others = [make_volunteer(s, community=community) for _ in range(5)]
        activity = make_activity(s, organisation=org, admin=admin, capacity=3)
        return {"admin": admin.id, "activity": activity.id, "volunteers": [first.id] + [o.id for o in others]}


def test_parallel_sign_ups_never_oversell_the_places(setup):
    barrier = threading.Barrier(6)

    def sign_up(person_id):
        barrier.wait()
        try:
            with session_scope() as s:
                return sign_up_for_activity(s, actor=s.get(Person, person_id), activity_id=setup["activity"]).status
        except LinliError as exc:
            return type(exc).__name__

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(sign_up, setup["volunteers"]))
    assert sorted(results) == ["ActivityFull"] * 3 + ["signed_up"] * 3
    with session_scope() as s:
        assert s.get(Activity, setup["activity"]).signed_up_count == 3


def test_withdrawing_gives_the_place_back(setup):
    with session_scope() as s:
        people = [s.get(Person, i) for i in setup["volunteers"][:4]]
        for person in people[:3]:
            sign_up_for_activity(s, actor=person, activity_id=setup["activity"])
        with pytest.raises(ActivityFull):
            sign_up_for_activity(s, actor=people[3], activity_id=setup["activity"])
    with session_scope() as s:
        withdraw_from_activity(s, actor=s.get(Person, people[0].id), activity_id=setup["activity"])
        assert sign_up_for_activity(s, actor=s.get(Person, people[3].id),
                                    activity_id=setup["activity"]).status == "signed_up"
        assert s.get(Activity, setup["activity"]).signed_up_count == 3


def test_sign_up_after_the_deadline_is_refused(setup, frozen_clock):
    frozen_clock.advance(days=2)
    with session_scope() as s, pytest.raises(SignupClosed):
        sign_up_for_activity(s, actor=s.get(Person, setup["volunteers"][0]), activity_id=setup["activity"])


def test_edits_and_cancellation_are_told_to_everyone_signed_up(setup):
    with session_scope() as s:
        vid = setup["volunteers"][0]
        sign_up_for_activity(s, actor=s.get(Person, vid), activity_id=setup["activity"])
        admin = s.get(Person, setup["admin"])
        update_activity(s, actor=admin, activity_id=setup["activity"], place="社区活动室")
        cancel_activity(s, actor=admin, activity_id=setup["activity"], reason="下大雨")
        texts = s.scalars(select(Notification.text).where(Notification.person_id == vid)
                          .order_by(Notification.id)).all()
        assert "有变动" in texts[0] and "社区活动室" in texts[0]
        assert texts[1].startswith("很抱歉，活动“敬老院包饺子”") and texts[1].endswith("取消了：下大雨")


def test_attendance_by_code_mints_hours_and_bonus_once(setup, frozen_clock):
    with session_scope() as s:
        vid = setup["volunteers"][0]
        sign_up_for_activity(s, actor=s.get(Person, vid), activity_id=setup["activity"])
        code = issue_attendance_code(s, actor=s.get(Person, setup["admin"]), activity_id=setup["activity"])
        frozen_clock.set(s.get(Activity, setup["activity"]).starts_at + timedelta(minutes=10))
        record_attendance(s, actor=s.get(Person, vid), activity_id=setup["activity"], code=code)
        assert get_points_balance(s, person_id=vid) == 2 * 10 + 20
        with pytest.raises(LinliError):
            record_attendance(s, actor=s.get(Person, vid), activity_id=setup["activity"], code=code)
        assert get_points_balance(s, person_id=vid) == 40


def test_reminders_fire_once_at_a_day_and_at_two_hours(setup, frozen_clock):
    with session_scope() as s:
        sign_up_for_activity(s, actor=s.get(Person, setup["volunteers"][0]), activity_id=setup["activity"])
        starts = s.get(Activity, setup["activity"]).starts_at
        assert remind_upcoming_activities(s, now=starts - timedelta(hours=30)) == 0
        assert remind_upcoming_activities(s, now=starts - timedelta(hours=23)) == 1
        assert remind_upcoming_activities(s, now=starts - timedelta(hours=22)) == 0
        assert remind_upcoming_activities(s, now=starts - timedelta(hours=1)) == 1
        assert remind_upcoming_activities(s, now=starts - timedelta(minutes=30)) == 0

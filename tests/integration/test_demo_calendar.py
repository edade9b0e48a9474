"""Demo data keeps its past and future in order on any day `make run` is started.

The three moments are the calendar edges issue #16 names: a month's (and year's) last
evening, a Sunday at 23:50 in Shanghai (UTC is still Sunday afternoon) and Chinese New Year.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

import models
from core import clock
from core.db import session_scope
from models.activities import Activity
from models.meals import Canteen, Menu
from models.person import Person
from services.demo import load_demo_data

SHANGHAI = ZoneInfo("Asia/Shanghai")
MOMENTS = {
    "month_end": datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI),
    "sunday_night": datetime(2026, 12, 6, 23, 50, tzinfo=SHANGHAI),
    "new_year": datetime(2027, 2, 16, 10, 0, tzinfo=SHANGHAI),
}
# Columns that name a moment still to come (or a limit), not one that has happened.
_AHEAD = ("due", "deadline", "starts", "ends", "next", "expires", "until", "lapse")


def _happened_columns():  # type: ignore[no-untyped-def]
    for table in models.Base.metadata.sorted_tables:
        for column in table.columns:
            if column.name.endswith("_at") and not any(w in column.name for w in _AHEAD):
                yield table, column


def _load(at: datetime, frozen_clock: clock.FrozenClock) -> None:
    frozen_clock.set(at)
    with session_scope() as s:
        load_demo_data(s)


@pytest.mark.parametrize("moment", MOMENTS.values(), ids=MOMENTS.keys())
def test_nothing_in_the_demo_happened_after_now(db, frozen_clock, moment):
    _load(moment, frozen_clock)
    with session_scope() as s:
        for table, column in _happened_columns():
            latest = s.scalar(select(func.max(column)))
            if latest is not None:
                assert clock.as_aware(latest) <= moment, f"{table.name}.{column.name} is in the future"


@pytest.mark.parametrize("moment", MOMENTS.values(), ids=MOMENTS.keys())
def test_activities_menus_and_reviews_lie_ahead(db, frozen_clock, moment):
    _load(moment, frozen_clock)
    today = moment.date()
    with session_scope() as s:
        activities = list(s.scalars(select(Activity)))
        assert activities and all(clock.as_aware(a.signup_deadline) > moment for a in activities)
        assert all(a.starts_at < a.ends_at for a in activities)
        first_menu_day = s.scalar(select(func.min(Menu.day)))
        assert first_menu_day is not None and today <= first_menu_day <= today + timedelta(days=2)
        for canteen in s.scalars(select(Canteen)):
            days = set(s.scalars(select(Menu.day).where(Menu.canteen_id == canteen.id)))
            open_days = {today + timedelta(days=n) for n in range(7)
                         if str((today + timedelta(days=n)).isoweekday()) in canteen.open_weekdays}
            assert open_days <= days, f"{canteen.name} has no menu on an open day this week"
        reviews = [p.tier_review_due for p in s.scalars(select(Person)) if p.tier_review_due]
        assert reviews and all(due > today for due in reviews)


def test_a_later_make_run_gives_the_demo_something_to_join_again(db, frozen_clock):
    _load(MOMENTS["sunday_night"], frozen_clock)
    later = MOMENTS["new_year"]
    _load(later, frozen_clock)
    with session_scope() as s:
        open_now = s.scalars(select(Activity.title).where(Activity.signup_deadline > later))
        assert len(set(open_now)) == 2
        assert s.scalar(select(func.count()).select_from(Menu).where(Menu.day == later.date())) > 0

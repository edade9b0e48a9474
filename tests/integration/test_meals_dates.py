"""Dates outside what a person can book or settle get a clear refusal, never a 500."""

from datetime import date

import pytest

from core.db import session_scope
from core.errors import ValidationFailed
from services import meals
from services.meals.settlement import parse_month
from tests.factories import make_community, make_person
from tests.meals_factories import make_canteen

pytestmark = pytest.mark.integration


def test_a_quote_for_a_long_past_day_is_refused_plainly(sqlite_db, frozen_clock):
    with session_scope() as s:
        community = make_community(s)
        canteen = make_canteen(s, community=community)
        elder = make_person(s, community=community)
        for day in (date(1, 1, 1), date(2026, 11, 28)):
            with pytest.raises(ValidationFailed, match="已经过去"):
                meals.quote_meal(s, actor=elder, person_id=elder.id, canteen_id=canteen.id,
                                 day=day, meal="lunch", count=1, delivery=False)


@pytest.mark.parametrize("month", ["9999-12", "0000-01", "1999-05"])
def test_settlement_months_outside_the_calendar_are_refused(month):
    with pytest.raises(ValidationFailed):
        parse_month(month)

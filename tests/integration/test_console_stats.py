"""Dashboard figures: months in Shanghai time, meals and subsidy, requests, volunteer hours."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.db import session_scope
from core.errors import NotFound
from services.operations.monthly_figures import get_dashboard
from tests.console_data import make_booking, make_canteen, make_help_request, make_service_record
from tests.factories import make_community, make_person

pytestmark = pytest.mark.integration
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_dashboard_counts_by_local_month(db, frozen_clock):
    with session_scope() as s:
        here = make_community(s)
        staff = make_person(s, roles=("staff",), community=here)
        elder = make_person(s, community=here)
        canteen = make_canteen(s, community=here)
        make_booking(s, person=elder, canteen=canteen, day=date(2026, 11, 2), subsidy_fen=300)
        make_booking(s, person=elder, canteen=canteen, day=date(2026, 11, 3), subsidy_fen=500)
        make_booking(s, person=elder, canteen=canteen, day=date(2026, 10, 31))
        make_booking(s, person=elder, canteen=canteen, day=date(2026, 11, 4), status="no_show")
        # 00:30 on 1 November in Shanghai is still 31 October in UTC: it counts for November.
        make_help_request(s, requester=elder, category="medical",
                          created_at=datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI))
        make_help_request(s, requester=elder, category="living", status="closed",
                          created_at=datetime(2026, 9, 15, 10, 0, tzinfo=SHANGHAI))
        volunteer = make_person(s, roles=("volunteer",), community=here)
        make_service_record(s, volunteer=volunteer, beneficiary=elder, minutes=90,
                            day=date(2026, 11, 20))
        make_service_record(s, volunteer=volunteer, beneficiary=elder, minutes=45,
                            day=date(2026, 11, 21), status="pending_confirmation")
    with session_scope() as s:  # the meals rollup moves when the bookings commit
        staff = s.merge(staff)
        here = s.merge(here)
        board = get_dashboard(s, actor=staff, community_id=here.id)
        assert board.months == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
        assert board.meals_served == {"2026-11": 2, "2026-10": 1}
        assert board.subsidy_fen == {"2026-11": 800, "2026-10": 300}
        assert board.requests_by_category == {"medical": {"2026-11": 1}, "living": {"2026-09": 1}}
        assert board.requests_by_status == {"submitted": 1, "closed": 1}
        assert board.volunteer_minutes == {"2026-11": 90}
        other = make_person(s, roles=("staff",), community=make_community(s))
        with pytest.raises(NotFound):
            get_dashboard(s, actor=other, community_id=here.id)

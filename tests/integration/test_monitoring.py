"""Dynamic monitoring: indicators as data, and one ranked list per community."""

from datetime import timedelta

import pytest

from core import clock
from core.db import session_scope
from core.errors import NotAllowed, NotFound
from services.messaging import alerts
from services.monitoring import indicators as monitoring
from tests.console_data import make_booking, make_canteen, make_help_request
from tests.factories import make_community, make_person

pytestmark = pytest.mark.integration


def _world(s):
    here, there = make_community(s), make_community(s)
    return {
        "here": here, "there": there,
        "staff": make_person(s, roles=("staff",), community=here),
        "other_staff": make_person(s, roles=("staff",), community=there),
        "supervisor": make_person(s, roles=("supervisor",), community=here),
        "volunteer": make_person(s, roles=("volunteer",), community=here),
    }


def _levels(entries):
    return [(e.person_id, e.level, [sig.indicator for sig in e.signals]) for e in entries]


def test_list_ranks_emergencies_then_missed_meals_then_reviews(db, frozen_clock):
    with session_scope() as s:
        w = _world(s)
        fallen = make_person(s, community=w["here"], name="王秀英")
        hungry = make_person(s, community=w["here"])
        reviewing = make_person(s, community=w["here"], economic_tier="dibao",
                                tier_verified_at=clock.now(),
                                tier_review_due=clock.today() + timedelta(days=7))
        canteen = make_canteen(s, community=w["here"])
        for days_ago in (1, 2):
            make_booking(s, person=hungry, canteen=canteen, status="no_show",
                         day=clock.today() - timedelta(days=days_ago))
        make_booking(s, person=fallen, canteen=canteen, status="no_show",
                     day=clock.today() - timedelta(days=1))
        alerts.raise_alert(s, kind="emergency", level="critical", summary="老人摔倒",
                           dedupe_key="em:1", person_id=fallen.id, community_id=w["here"].id)
        entries = monitoring.list_monitoring(s, actor=w["staff"], community_id=w["here"].id)
        assert _levels(entries) == [
            (fallen.id, "critical", ["emergency"]),
            (hungry.id, "high", ["missed_meals"]),
            (reviewing.id, "medium", ["tier_review_due"]),
        ]
        assert entries[1].signals[0].summary == "近7天2次订餐未取"
        assert monitoring.list_monitoring(s, actor=w["other_staff"],
                                          community_id=w["there"].id) == []


def test_overdue_request_appears_and_a_person_with_two_signals_ranks_higher(db, frozen_clock):
    with session_scope() as s:
        w = _world(s)
        late = make_person(s, community=w["here"])
        other = make_person(s, community=w["here"])
        make_help_request(s, requester=late, created_at=clock.now() - timedelta(days=5),
                          status="accepted")
        make_help_request(s, requester=other, created_at=clock.now() - timedelta(days=5),
                          status="accepted")
        monitoring.report_volunteer_concern(s, actor=w["volunteer"], person_id=late.id,
                                            note="敲门没人应，邻居说几天没见")
        entries = monitoring.list_monitoring(s, actor=w["staff"], community_id=w["here"].id)
        assert _levels(entries) == [
            (late.id, "high", ["overdue_request", "volunteer_concern"]),
            (other.id, "high", ["overdue_request"]),
        ]
        assert "求助已超期" in entries[1].signals[0].summary


def test_indicator_settings_change_the_list(db, frozen_clock):
    with session_scope() as s:
        w = _world(s)
        hungry = make_person(s, community=w["here"])
        canteen = make_canteen(s, community=w["here"])
        make_booking(s, person=hungry, canteen=canteen, status="no_show",
                     day=clock.today() - timedelta(days=1))
        assert monitoring.list_monitoring(s, actor=w["staff"], community_id=w["here"].id) == []
        monitoring.update_indicator(s, actor=w["supervisor"], code="missed_meals",
                                    level="critical", threshold=1, window_days=3, enabled=True)
        entries = monitoring.list_monitoring(s, actor=w["staff"], community_id=w["here"].id)
        assert _levels(entries) == [(hungry.id, "critical", ["missed_meals"])]
        monitoring.update_indicator(s, actor=w["supervisor"], code="missed_meals",
                                    level="critical", threshold=1, window_days=3, enabled=False)
        assert monitoring.list_monitoring(s, actor=w["staff"], community_id=w["here"].id) == []
        with pytest.raises(NotAllowed):
            monitoring.update_indicator(s, actor=w["staff"], code="missed_meals", level="low",
                                        threshold=1, window_days=3, enabled=True)


def test_other_communities_and_non_staff_are_refused(db, frozen_clock):
    with session_scope() as s:
        w = _world(s)
        with pytest.raises(NotFound):
            monitoring.list_monitoring(s, actor=w["other_staff"], community_id=w["here"].id)
        with pytest.raises(NotAllowed):
            monitoring.list_monitoring(s, actor=w["volunteer"], community_id=w["here"].id)


def test_seeding_stores_the_defaults_once(db):
    with session_scope() as s:
        assert monitoring.seed_indicators(s) == len(monitoring.DEFAULT_INDICATORS)
        assert monitoring.seed_indicators(s) == 0
        assert [i.code for i in monitoring.list_indicators(s)][0] == "emergency"

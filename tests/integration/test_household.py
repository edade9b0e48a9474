"""One assistance chain per household: events across organisations, gaps, duplicates, scope."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from core.errors import NotFound
from models.audit import AuditEntry
from services.assistance import chain as household
from services.assistance import tiers
from tests.console_data import make_booking, make_canteen, make_help_request, make_service_record
from tests.factories import make_community, make_organisation, make_person

pytestmark = pytest.mark.integration


def _family(s):
    here = make_community(s)
    staff = make_person(s, roles=("staff",), community=here)
    elder = make_person(s, community=here, name="王秀英", household_id=7)
    son = make_person(s, community=here, name="王小明", household_id=7)
    return here, staff, elder, son


def test_history_joins_the_household_across_organisations(db, frozen_clock):
    with session_scope() as s:
        here, staff, elder, son = _family(s)
        union = make_organisation(s, kind="trade_union", community=here)
        make_help_request(s, requester=son, category="medical", status="resolved",
                          organisation=union)
        canteen = make_canteen(s, community=here)
        for day in (1, 2, 3):
            make_booking(s, person=elder, canteen=canteen, day=clock.today() - timedelta(days=day))
        make_service_record(s, volunteer=make_person(s, roles=("volunteer",), community=here),
                            beneficiary=elder, minutes=90)
        tiers.record_tier(s, actor=staff, person_id=elder.id, tier="dibao", evidence_note="低保证",
                          review_due=clock.today() + timedelta(days=100))
        history = household.get_household_history(s, actor=staff, person_id=elder.id)
        kinds = {e.kind for e in history.events}
        assert kinds == {"help_request", "meal", "volunteer_service", "tier"}
        assert [m.id for m in history.members] == [elder.id, son.id]
        assert history.meals_served == 3 and history.subsidy_fen == 900
        assert history.service_minutes == 90
        meal = next(e for e in history.events if e.kind == "meal")
        assert meal.title == "2026-11 助餐已取 3份" and meal.organisation == canteen.name
        audit = s.scalars(select(AuditEntry).where(AuditEntry.subject_type == "household")).one()
        assert audit.actor_id == staff.id and audit.subject_id == elder.id


def test_same_need_from_two_organisations_is_flagged_as_duplicate(db, frozen_clock):
    with session_scope() as s:
        here, staff, elder, son = _family(s)
        union = make_organisation(s, kind="trade_union", community=here)
        charity = make_organisation(s, kind="charity", community=here)
        make_help_request(s, requester=elder, category="living", status="resolved",
                          organisation=union, created_at=clock.now() - timedelta(days=10))
        make_help_request(s, requester=son, on_behalf_of_id=elder.id, category="living",
                          status="in_progress", organisation=charity)
        history = household.get_household_history(s, actor=staff, person_id=son.id)
        assert len(history.duplicates) == 1 and "可能重复救助" in history.duplicates[0]


def test_a_verified_household_without_help_shows_a_gap(db, frozen_clock):
    with session_scope() as s:
        here, staff, elder, son = _family(s)
        tiers.record_tier(s, actor=staff, person_id=elder.id, tier="tekun", evidence_note="特困证",
                          review_due=clock.today() + timedelta(days=100))
        expired = make_person(s, community=here, name="李建国", household_id=7,
                              economic_tier="dibao", tier_verified_at=clock.now(),
                              tier_review_due=clock.today() - timedelta(days=1))
        gaps = household.get_household_history(s, actor=staff, person_id=elder.id).gaps
        assert "王**是特困对象，近90天没有任何帮扶记录" in gaps
        assert any(g.startswith("李**的低保认定已过复核日期") for g in gaps)
        canteen = make_canteen(s, community=here)
        make_booking(s, person=elder, canteen=canteen, day=clock.today())
        gaps = household.get_household_history(s, actor=staff, person_id=elder.id).gaps
        assert not any("特困对象" in g for g in gaps)
        assert expired.id


def test_staff_of_another_community_cannot_read_the_chain(db, frozen_clock):
    with session_scope() as s:
        _, _, elder, _ = _family(s)
        outsider = make_person(s, roles=("staff",), community=make_community(s))
        with pytest.raises(NotFound):
            household.get_household_history(s, actor=outsider, person_id=elder.id)

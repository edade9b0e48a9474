"""Household signals from what Linli knows and staff record: each rule, its threshold as data, once only."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from core.errors import NotFound, ValidationFailed
from models.monitoring import RiskAlert
from services.assistance import means_check, tiers
from services.monitoring import household_signals, household_warnings, indicators
from services.people.households import link_to_household
from tests.factories import make_community, make_person
from tests.help_factories import submit

pytestmark = pytest.mark.integration
LINE = {"dibao_month_fen": 100000, "edge_multiple_pct": 150, "tekun_month_fen": 130000,
        "asset_limit_months": 24, "rigid_share_pct": 50, "source": "测试县民政局文件"}


def _world(s):
    here = make_community(s)
    staff = make_person(s, roles=("staff",), community=here, name="刘社工")
    supervisor = make_person(s, roles=("supervisor",), community=here, name="赵站长")
    means_check.set_line(s, actor=supervisor, county_id=here.street.county_id,
                        effective_from=date(2026, 1, 1), **LINE)
    return here, staff, supervisor


def _codes(s, here, person_id):
    found = household_signals.compute_signals(s, community_id=here.id, now=clock.now())
    return {sig.code for h, sigs in found if person_id in {m.id for m in h.members} for sig in sigs}


def test_living_alone_age_and_disability_follow_their_thresholds(db, frozen_clock):
    with session_scope() as s:
        here, staff, supervisor = _world(s)
        old = make_person(s, community=here, name="孙奶奶", birth_date=date(1950, 1, 1),
                          living_alone=True, disability_level=2)
        assert {"elderly_alone", "severe_disability"} <= _codes(s, here, old.id)
        indicators.update_indicator(s, actor=supervisor, code="elderly_alone", level="medium",
                                    threshold=80, window_days=0, enabled=True)
        indicators.update_indicator(s, actor=supervisor, code="severe_disability", level="medium",
                                    threshold=1, window_days=0, enabled=True)
        assert not {"elderly_alone", "severe_disability"} & _codes(s, here, old.id)


def test_leaving_dibao_and_repeated_requests_are_signals_within_their_windows(db, frozen_clock):
    with session_scope() as s:
        here, staff, _ = _world(s)
        elder = make_person(s, community=here, name="周大爷")
        tiers.record_tier(s, actor=staff, person_id=elder.id, tier="dibao", evidence_note="入户核对",
                          review_due=clock.today() + timedelta(days=300))
        tiers.record_tier(s, actor=staff, person_id=elder.id, tier=None, evidence_note="收入超标",
                          review_due=None)
        submit(s, elder, category="housing", description="水管坏了")
        submit(s, elder, category="medical", description="想找人陪我看病")
        assert "tier_exited" in _codes(s, here, elder.id)
        assert "repeated_requests" not in _codes(s, here, elder.id)
        submit(s, elder, category="living", description="家里没米了")
        assert "repeated_requests" in _codes(s, here, elder.id)
        frozen_clock.advance(days=366)
        assert not {"tier_exited", "repeated_requests"} & _codes(s, here, elder.id)


def test_a_raised_county_line_is_a_new_signal_and_the_warning_is_raised_once(db, frozen_clock):
    with session_scope() as s:
        here, staff, supervisor = _world(s)
        head = make_person(s, community=here, name="吴大伯")
        wife = make_person(s, community=here, name="郑阿姨")
        link_to_household(s, actor=staff, head_id=head.id, member_id=wife.id)
        means_check.start_check(s, actor=staff, person_id=head.id, members=[
            means_check.MemberFacts(head.id, income={"pension": 320000}),
            means_check.MemberFacts(wife.id)])
        assert household_warnings.raise_household_warnings(s, now=clock.now()) == 0  # 1600 a head
        means_check.set_line(s, actor=supervisor, county_id=here.street.county_id,
                            effective_from=clock.today() - timedelta(days=1),
                            **{**LINE, "dibao_month_fen": 170000})
        assert household_warnings.raise_household_warnings(s, now=clock.now()) == 1
        assert household_warnings.raise_household_warnings(s, now=clock.now()) == 0
        alert = s.scalars(select(RiskAlert).where(RiskAlert.subject_id == head.id)).one()
        assert alert.kind == "income_below_dibao" and "低于低保标准1700元" in alert.summary
        risks = household_signals.list_household_risks(s, actor=staff, community_id=here.id)
        assert [(r.household_id, r.level, len(r.members)) for r in risks] == [(head.id, "high", 2)]


def test_lines_take_effect_on_their_day_and_only_supervisors_set_them(db, frozen_clock):
    with session_scope() as s:
        here, staff, supervisor = _world(s)
        county = here.street.county_id
        means_check.set_line(s, actor=supervisor, county_id=county,
                            effective_from=clock.today() + timedelta(days=3),
                            **{**LINE, "dibao_month_fen": 125000})
        assert means_check.line_on(s, county_id=county, day=clock.today()).dibao_month_fen == 100000
        later = clock.today() + timedelta(days=3)
        assert means_check.line_on(s, county_id=county, day=later).dibao_month_fen == 125000
        with pytest.raises(Exception):  # noqa: B017 - NotAllowed, whichever subclass
            means_check.set_line(s, actor=staff, county_id=county, effective_from=later, **LINE)
        with pytest.raises(ValidationFailed):
            means_check.set_line(s, actor=supervisor, county_id=county, effective_from=later,
                                **{**LINE, "source": " "})


def test_a_check_must_cover_every_member_and_only_staff_of_the_community_may(db, frozen_clock):
    with session_scope() as s:
        here, staff, _ = _world(s)
        other = make_person(s, roles=("staff",), community=make_community(s))
        head = make_person(s, community=here)
        son = make_person(s, community=here)
        link_to_household(s, actor=staff, head_id=head.id, member_id=son.id)
        with pytest.raises(ValidationFailed):
            means_check.start_check(s, actor=staff, person_id=head.id,
                                   members=[means_check.MemberFacts(head.id)])
        with pytest.raises(NotFound):
            means_check.start_check(s, actor=other, person_id=head.id, members=[
                means_check.MemberFacts(head.id), means_check.MemberFacts(son.id)])


def test_erasing_a_member_drops_their_situations_and_keeps_the_amounts(db, frozen_clock):
    from models.assistance import HouseholdCheckItem
    from services.rights.erasure import erase_person

    with session_scope() as s:
        here, staff, _ = _world(s)
        elder = make_person(s, community=here, name="冯奶奶")
        means_check.start_check(s, actor=staff, person_id=elder.id, members=[
            means_check.MemberFacts(elder.id, income={"pension": 80000},
                                   situations=frozenset({"serious_illness"}))])
        counts = erase_person(s, person=elder, now=clock.now())
        left = [(i.kind, i.item, i.amount) for i in s.scalars(
            select(HouseholdCheckItem).where(HouseholdCheckItem.person_id == elder.id))]
    assert counts["household_check_situations"] == 1
    assert left == [("income", "pension", "80000")]


def test_missed_meals_of_a_member_warn_once_unless_the_welfare_check_already_did(db, frozen_clock):
    from services.messaging.alerts import raise_alert
    from tests.console_data import make_booking, make_canteen

    with session_scope() as s:
        here, staff, _ = _world(s)
        canteen = make_canteen(s, community=here)
        head = make_person(s, community=here, name="陶大爷", birth_date=date(1960, 1, 1))
        son = make_person(s, community=here, name="陶小虎", birth_date=date(1990, 1, 1))
        alone = make_person(s, community=here, name="韩奶奶", birth_date=date(1960, 1, 1))
        link_to_household(s, actor=staff, head_id=head.id, member_id=son.id)
        for person in (son, alone):
            for back in (1, 2):
                make_booking(s, person=person, canteen=canteen, status="no_show",
                             day=clock.today() - timedelta(days=back))
        raise_alert(s, kind="missed_meals", level="high", summary="独居老人韩**连续3次没来吃",
                    dedupe_key="welfare-han", person_id=alone.id, community_id=here.id)
        assert household_warnings.raise_household_warnings(s, now=clock.now()) == 1
        assert household_warnings.raise_household_warnings(s, now=clock.now()) == 0
        mine = s.scalars(select(RiskAlert).where(RiskAlert.subject_id == head.id)).one()
        assert (mine.kind, mine.person_id) == ("missed_meals", son.id)
        assert mine.summary.startswith("陶**家：陶**近7天2次订餐未取")
        risks = household_signals.list_household_risks(s, actor=staff, community_id=here.id)
        by_household = {r.household_id: [sig.code for sig in r.signals] for r in risks}
        assert by_household[head.id] == ["missed_meals"] and by_household[alone.id] == ["missed_meals"]

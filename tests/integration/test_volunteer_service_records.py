"""Service records: registration gate, check-in/out, after-the-fact logging, the rules, verification."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.db import session_scope
from core.errors import NotAllowed, ValidationFailed
from models.messaging import Notification
from models.monitoring import RiskAlert
from models.person import Person
from models.region import Community
from services.volunteers import (
    auto_close_forgotten_checkouts,
    check_in,
    check_out,
    confirm_service_record,
    get_points_balance,
    list_pending_confirmations,
    log_service,
    nudge_unconfirmed_service_records,
    register_volunteer,
    verify_service_record,
    verify_volunteer,
)
from services.volunteers.errors import (
    DailyCapExceeded,
    ServiceOverlap,
    TooFarAway,
    VolunteerNotVerified,
)
from tests.factories import make_person
from tests.volunteer_factories import make_staff, make_volunteer

pytestmark = pytest.mark.integration
TODAY = date(2026, 11, 29)


@pytest.fixture
def cast(db, frozen_clock):
    """A verified volunteer, an elder at home, and staff, all in one community."""
    with session_scope() as s:
        volunteer = make_volunteer(s, name="王芳")
        community = s.get(Community, volunteer.community_id)
        elder = make_person(s, community=community, name="李秀兰")
        elder.set_home_location(30.2745, 120.1556)
        staff = make_staff(s, community=community)
        return {"volunteer": volunteer.id, "elder": elder.id, "staff": staff.id}


def test_only_verified_volunteers_record_service(db, frozen_clock):
    with session_scope() as s:
        person = make_person(s)
        staff = make_staff(s, community=s.get(Community, person.community_id))
        profile = register_volunteer(s, actor=person, skills=["买菜", "陪伴"], availability="周末")
        assert profile.status == "pending"
        with pytest.raises(VolunteerNotVerified):
            check_in(s, actor=person)
        verify_volunteer(s, actor=staff, volunteer_id=person.id, approve=True)
        assert check_in(s, actor=person).status == "open"
        assert person.has_role("volunteer")


def test_check_out_asks_the_beneficiary_with_the_confirmation_question(cast, frozen_clock):
    with session_scope() as s:
        volunteer = s.get(Person, cast["volunteer"])
        record = check_in(s, actor=volunteer, beneficiary_id=cast["elder"], lat=30.2746, lng=120.1557)
        frozen_clock.advance(hours=2)
        record = check_out(s, actor=volunteer)
        assert (record.status, record.minutes) == ("pending_confirmation", 120)
        prompt = s.scalar(select(Notification.text).where(Notification.person_id == cast["elder"]))
        assert prompt == "志愿者王芳说今天为您服务2小时，对吗？\n回复1确认，2不对"
        elder = s.get(Person, cast["elder"])
        assert [r.id for r in list_pending_confirmations(s, beneficiary_id=elder.id)] == [record.id]
        confirm_service_record(s, actor=elder, record_id=record.id, accepted=True)
        assert record.status == "verified"
        assert get_points_balance(s, person_id=volunteer.id) == 20


def test_check_in_far_from_the_elders_home_is_refused(cast):
    with session_scope() as s:
        with pytest.raises(TooFarAway):
            check_in(s, actor=s.get(Person, cast["volunteer"]), beneficiary_id=cast["elder"],
                     lat=30.30, lng=120.20)


def test_a_second_check_in_while_one_is_open_is_refused(cast):
    with session_scope() as s:
        volunteer = s.get(Person, cast["volunteer"])
        check_in(s, actor=volunteer)
        with pytest.raises(ServiceOverlap):
            check_in(s, actor=volunteer)


def test_a_forgotten_check_out_is_closed_at_eight_hours_and_goes_to_staff(cast, frozen_clock):
    with session_scope() as s:
        record = check_in(s, actor=s.get(Person, cast["volunteer"]), beneficiary_id=cast["elder"])
        frozen_clock.advance(hours=7)
        assert auto_close_forgotten_checkouts(s, now=frozen_clock()) == 0
        frozen_clock.advance(hours=3)
        assert auto_close_forgotten_checkouts(s, now=frozen_clock()) == 1
        assert (record.minutes, record.flagged, record.needs_staff) == (480, True, True)
        assert record.ended_at - record.started_at == timedelta(hours=8)
        assert list_pending_confirmations(s, beneficiary_id=cast["elder"]) == []


def test_logging_refuses_future_days_and_more_than_twelve_hours_a_day(cast):
    with session_scope() as s:
        volunteer = s.get(Person, cast["volunteer"])
        with pytest.raises(ValidationFailed):
            log_service(s, actor=volunteer, day=TODAY + timedelta(days=1), hours=1, description="买菜")
        log_service(s, actor=volunteer, day=TODAY, hours=8, description="打扫")
        with pytest.raises(DailyCapExceeded) as refused:
            log_service(s, actor=volunteer, day=TODAY, hours=5, description="陪聊")
        assert refused.value.message == "一天最多记12小时，这天还能记4小时。"
        assert log_service(s, actor=volunteer, day=TODAY, hours=4, description="陪聊").minutes == 240


def test_the_same_service_logged_twice_is_refused(cast):
    with session_scope() as s:
        volunteer = s.get(Person, cast["volunteer"])
        log_service(s, actor=volunteer, day=TODAY, hours=2, description="买菜", beneficiary_id=cast["elder"])
        with pytest.raises(ServiceOverlap):
            log_service(s, actor=volunteer, day=TODAY, hours=2, description="买菜",
                        beneficiary_id=cast["elder"])


def test_nobody_verifies_their_own_record(cast):
    with session_scope() as s:
        volunteer = s.get(Person, cast["volunteer"])
        community = s.get(Community, volunteer.community_id)
        from services.people.persons import grant_role

        grant_role(s, person=volunteer, role="staff", community_id=community.id)
        record = log_service(s, actor=volunteer, day=TODAY, hours=2, description="修水管")
        with pytest.raises(NotAllowed):
            verify_service_record(s, actor=volunteer, record_id=record.id, approve=True)
        with pytest.raises(ValidationFailed):
            verify_service_record(s, actor=s.get(Person, cast["staff"]), record_id=record.id, approve=False)
        verify_service_record(s, actor=s.get(Person, cast["staff"]), record_id=record.id,
                              approve=False, reason="没有人证明")
        assert record.status == "rejected" and get_points_balance(s, person_id=volunteer.id) == 0


def test_a_no_from_the_elder_goes_to_staff_without_points(cast):
    with session_scope() as s:
        record = log_service(s, actor=s.get(Person, cast["volunteer"]), day=TODAY, hours=2,
                             description="买菜", beneficiary_id=cast["elder"])
        confirm_service_record(s, actor=s.get(Person, cast["elder"]), record_id=record.id, accepted=False)
        assert (record.status, record.needs_staff) == ("pending_confirmation", True)
        assert s.scalar(select(RiskAlert.kind)) == "service_disputed"
        assert get_points_balance(s, person_id=cast["volunteer"]) == 0


def test_unconfirmed_records_are_nudged_once_then_handed_to_staff(cast, frozen_clock):
    with session_scope() as s:
        record = log_service(s, actor=s.get(Person, cast["volunteer"]), day=TODAY, hours=2,
                             description="买菜", beneficiary_id=cast["elder"])
        assert nudge_unconfirmed_service_records(s, now=frozen_clock.advance(hours=12)) == 0
        assert nudge_unconfirmed_service_records(s, now=frozen_clock.advance(hours=13)) == 1
        assert nudge_unconfirmed_service_records(s, now=frozen_clock.advance(hours=1)) == 0
        texts = s.scalars(select(Notification.text).where(Notification.person_id == cast["elder"])).all()
        assert len(texts) == 2 and texts[1].startswith("提醒您：志愿者王芳说昨天为您服务2小时")
        assert nudge_unconfirmed_service_records(s, now=frozen_clock.advance(hours=48)) == 1
        assert record.needs_staff is True
        assert s.scalar(select(RiskAlert.kind)) == "service_unconfirmed"

"""Ids the volunteer services are given must point at something: a field error (or 404), never a 500."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core import clock
from core.db import session_scope
from core.errors import InvalidTransition, NotFound, ValidationFailed
from models.activities import Activity
from models.person import Person
from models.volunteers import ServiceRecord, VolunteerProfile
from services.help_requests import Assignee, transition_help_request
from services.volunteers import check_in, log_service, post_activity, register_volunteer
from tests.factories import make_community, make_person
from tests.help_factories import make_world, submit
from tests.volunteer_factories import make_charity_admin, make_volunteer

pytestmark = pytest.mark.integration
NOWHERE = 2**31 - 1


def _fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return exc.value.details["fields"]


def _records(s) -> int:
    return s.scalar(select(func.count()).select_from(ServiceRecord))


def test_registering_in_an_unknown_community_is_a_field_error(db, frozen_clock):
    with session_scope() as s:
        person = make_person(s)
        with pytest.raises(ValidationFailed) as exc:
            register_volunteer(s, actor=person, skills=["买菜"], community_id=NOWHERE)
        assert _fields(exc) == {"community_id": "没有这个社区"}
        assert s.scalar(select(VolunteerProfile).where(VolunteerProfile.person_id == person.id)) is None


def test_posting_an_activity_in_an_unknown_community_is_a_field_error(db, frozen_clock):
    with session_scope() as s:
        admin, org = make_charity_admin(s, community=make_community(s))
        starts = clock.now() + timedelta(days=2)
        with pytest.raises(ValidationFailed) as exc:
            post_activity(s, actor=admin, organisation_id=org.id, community_id=NOWHERE, title="包饺子",
                          description="", place="敬老院", starts_at=starts, ends_at=starts + timedelta(hours=2),
                          signup_deadline=starts - timedelta(hours=12), capacity=10, points=0)
        assert _fields(exc) == {"community_id": "没有这个社区"}
        assert s.scalar(select(func.count()).select_from(Activity)) == 0


def test_logging_for_an_unknown_beneficiary_is_a_field_error(db, frozen_clock):
    with session_scope() as s:
        volunteer = make_volunteer(s)
        with pytest.raises(ValidationFailed) as exc:
            log_service(s, actor=volunteer, day=date(2026, 11, 29), hours=2, description="买菜",
                        beneficiary_id=NOWHERE)
        assert _fields(exc) == {"beneficiary_id": "没有这个人"}
        assert _records(s) == 0


@pytest.mark.parametrize(("field", "message"), [("beneficiary_id", "没有这个人"), ("activity_id", "没有这个活动")])
def test_checking_in_for_an_unknown_beneficiary_or_activity_is_a_field_error(db, frozen_clock, field, message):
    with session_scope() as s:
        volunteer = make_volunteer(s)
        with pytest.raises(ValidationFailed) as exc:
            check_in(s, actor=volunteer, **{field: NOWHERE})
        assert _fields(exc) == {field: message}
        assert _records(s) == 0


@pytest.fixture
def assigned(db, frozen_clock):
    """A help request assigned to one verified volunteer, another volunteer, and an unassigned request."""
    with session_scope() as s:
        w = make_world(s)
        mine, other = make_volunteer(s, community=w.here), make_volunteer(s, community=w.here, name="陈明")
        made = submit(s, w.resident)
        transition_help_request(s, actor=w.staff, request_id=made.id, to="accepted")
        transition_help_request(s, actor=w.staff, request_id=made.id, to="assigned",
                                assignee=Assignee(person_id=mine.id))
        unassigned = submit(s, w.neighbour, description="想找人陪着去医院")
        return {"mine": mine.id, "other": other.id, "request": made.id, "unassigned": unassigned.id,
                "requester": w.resident.id}


def test_checking_in_against_a_help_request_needs_it_assigned_to_the_volunteer(assigned):
    with session_scope() as s:
        mine, other = s.get_one(Person, assigned["mine"]), s.get_one(Person, assigned["other"])
        for actor, request_id in ((mine, NOWHERE), (mine, assigned["unassigned"]), (other, assigned["request"])):
            with pytest.raises(NotFound):
                check_in(s, actor=actor, help_request_id=request_id)
        assert _records(s) == 0
        record = check_in(s, actor=mine, help_request_id=assigned["request"],
                          beneficiary_id=assigned["requester"])
        assert (record.status, record.help_request_id) == ("open", assigned["request"])


def test_no_check_in_against_a_help_request_already_resolved(assigned):
    with session_scope() as s:
        mine = s.get_one(Person, assigned["mine"])
        transition_help_request(s, actor=mine, request_id=assigned["request"], to="in_progress")
        transition_help_request(s, actor=mine, request_id=assigned["request"], to="resolved")
    with session_scope() as s:
        mine = s.get_one(Person, assigned["mine"])
        with pytest.raises(InvalidTransition, match="已经办结"):
            check_in(s, actor=mine, help_request_id=assigned["request"])
        assert _records(s) == 0

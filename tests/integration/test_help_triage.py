"""The status machine: every legal and illegal move, who may make it, and what it leaves behind."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from core.db import session_scope
from core.errors import ConsentRequired, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from models.help_requests import STATUSES, HelpRequestEvent
from models.messaging import Notification
from models.monitoring import RiskAlert
from services.help_requests import (
    TRANSITIONS,
    Assignee,
    cancel_help_request,
    describe_for_requester,
    transition_help_request,
)
from tests.help_factories import at_status, grant_charity_consent, make_world, submit

pytestmark = pytest.mark.integration


def _move(s, w, help_request, to, actor=None):
    return transition_help_request(
        s, actor=actor or w.staff, request_id=help_request.id, to=to, note="原因写清楚",
        assignee=Assignee(organisation_id=w.union.id, person_id=w.volunteer.id)
        if to == "assigned" else Assignee(organisation_id=w.union.id),
    )


def test_every_legal_move_works_and_every_illegal_one_is_refused(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        for start in STATUSES:
            for to in STATUSES:
                help_request = at_status(s, w, start)
                if to in TRANSITIONS[start]:
                    assert _move(s, w, help_request, to).status == to, (start, to)
                else:
                    with pytest.raises(InvalidTransition):
                        _move(s, w, help_request, to)
                    assert help_request.status == start


def test_a_move_is_a_timeline_event_and_a_message_to_the_requester(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = submit(s, w.resident)
        transition_help_request(s, actor=w.staff, request_id=made.id, to="accepted", note="马上安排")
        events = list(s.scalars(select(HelpRequestEvent).where(HelpRequestEvent.request_id == made.id)))
        last = events[-1]
        assert (last.actor_id, last.from_status, last.to_status, last.note) == (
            w.staff.id, "submitted", "accepted", "马上安排")
        texts = [n.text for n in s.scalars(select(Notification).where(
            Notification.person_id == w.resident.id).order_by(Notification.id))]
        assert len(texts) == 2 and "现在：工作人员已受理" in texts[-1]


def test_rejecting_needs_a_reason_the_requester_then_reads(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = submit(s, w.resident)
        with pytest.raises(ValidationFailed):
            transition_help_request(s, actor=w.staff, request_id=made.id, to="rejected")
        transition_help_request(s, actor=w.staff, request_id=made.id, to="rejected",
                                note="不在本社区服务范围")
        assert "原因：不在本社区服务范围" in describe_for_requester(made)


def test_referring_to_a_charity_needs_the_requesters_consent(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = submit(s, w.resident)
        with pytest.raises(ConsentRequired):
            transition_help_request(s, actor=w.staff, request_id=made.id, to="referred",
                                    assignee=Assignee(organisation_id=w.charity.id))
        grant_charity_consent(s, w.resident)
        transition_help_request(s, actor=w.staff, request_id=made.id, to="referred",
                                assignee=Assignee(organisation_id=w.charity.id))
        assert made.organisation_id == w.charity.id
        # The charity takes it on from there.
        transition_help_request(s, actor=w.charity_admin, request_id=made.id, to="accepted")
        assert made.status == "accepted"


def test_withdrawing_the_charity_consent_closes_the_request_to_the_charity_at_once(db, frozen_clock):
    from services.help_requests import get_help_request
    from services.people.consents import withdraw_consent

    with session_scope() as s:
        w = make_world(s)
        made = submit(s, w.resident)
        grant_charity_consent(s, w.resident)
        transition_help_request(s, actor=w.staff, request_id=made.id, to="referred",
                                assignee=Assignee(organisation_id=w.charity.id))
        assert get_help_request(s, actor=w.charity_admin, request_id=made.id).id == made.id
        withdraw_consent(s, person=w.resident, scope="share_with_charity")
        with pytest.raises(NotFound):
            get_help_request(s, actor=w.charity_admin, request_id=made.id)
        with pytest.raises(NotFound):
            transition_help_request(s, actor=w.charity_admin, request_id=made.id, to="accepted")
        assert get_help_request(s, actor=w.staff, request_id=made.id).status == "referred"


def test_an_assigned_volunteer_works_it_but_cannot_reject_it(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = submit(s, w.resident)
        transition_help_request(s, actor=w.staff, request_id=made.id, to="accepted")
        transition_help_request(s, actor=w.staff, request_id=made.id, to="assigned",
                                assignee=Assignee(person_id=w.volunteer.id))
        told = s.scalars(select(Notification).where(Notification.person_id == w.volunteer.id))
        assert [n.template for n in told] == ["help_assigned"]
        transition_help_request(s, actor=w.volunteer, request_id=made.id, to="in_progress")
        with pytest.raises(NotAllowed):
            transition_help_request(s, actor=w.volunteer, request_id=made.id, to="referred")
        transition_help_request(s, actor=w.volunteer, request_id=made.id, to="resolved")
        assert made.status == "resolved" and made.resolved_at is not None


def test_only_people_who_can_take_it_may_be_assigned(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = at_status(s, w, "accepted")
        with pytest.raises(ValidationFailed):
            transition_help_request(s, actor=w.staff, request_id=made.id, to="assigned",
                                    assignee=Assignee(person_id=w.neighbour.id))
        with pytest.raises(ValidationFailed):
            transition_help_request(s, actor=w.staff, request_id=made.id, to="assigned")


def test_the_requester_cancels_but_not_after_it_is_done(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = submit(s, w.resident)
        with pytest.raises(NotAllowed):
            cancel_help_request(s, actor=w.staff, request_id=made.id)
        assert cancel_help_request(s, actor=w.resident, request_id=made.id).status == "cancelled"
        with pytest.raises(InvalidTransition):
            cancel_help_request(s, actor=w.resident, request_id=made.id)


def test_accepting_an_emergency_settles_its_alert(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = submit(s, w.resident, urgency="emergency", description="摔倒了")
        transition_help_request(s, actor=w.staff, request_id=made.id, to="accepted")
        alert = s.get(RiskAlert, made.alert_id)
        assert (alert.status, alert.acknowledged_by_id) == ("acknowledged", w.staff.id)


def test_the_timeline_refuses_update_and_delete(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made_id = submit(s, w.resident).id
    # Only the note may be cleared (erasure, migration 0015_rights); every other column is fixed.
    for statement in ("UPDATE help_request_events SET to_status = 'x' WHERE request_id = :id",
                      "UPDATE help_request_events SET note = NULL, actor_id = NULL WHERE request_id = :id",
                      "DELETE FROM help_request_events WHERE request_id = :id"):
        with pytest.raises(DBAPIError), session_scope() as s:
            s.execute(text(statement), {"id": made_id})
    with session_scope() as s:  # the one change allowed: clearing a note (erasure)
        s.execute(text("UPDATE help_request_events SET note = NULL WHERE request_id = :id"), {"id": made_id})

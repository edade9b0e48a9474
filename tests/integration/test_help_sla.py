"""Deadlines and the scheduler's jobs: overdue requests, unacknowledged alerts, feedback."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.config import get_settings, use_settings
from core.db import session_scope
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from models.messaging import Notification
from models.monitoring import RiskAlert
from services.help_requests import (
    AlreadyRated,
    escalate_overdue_help_requests,
    escalate_unacknowledged_alerts,
    rate_help_request,
    request_feedback_reminders,
    transition_help_request,
)
from services.messaging import alerts
from tests.help_factories import at_status, make_world, submit

pytestmark = pytest.mark.integration


def _templates(s, person_id):
    stmt = select(Notification.template).where(Notification.person_id == person_id)
    return list(s.scalars(stmt.order_by(Notification.id)))


def test_a_request_nobody_accepts_in_a_day_is_escalated_once(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = submit(s, w.resident)
        assert escalate_overdue_help_requests(s, now=clock.now()) == 0
    frozen_clock.advance(hours=24, minutes=1)
    with session_scope() as s:
        assert escalate_overdue_help_requests(s, now=clock.now()) == 1
    with session_scope() as s:
        assert escalate_overdue_help_requests(s, now=clock.now()) == 0
        [alert] = s.scalars(select(RiskAlert).where(RiskAlert.kind == "overdue_request"))
        assert made.code in alert.summary and "超时未受理" in alert.summary
        assert _templates(s, w.staff.id) == ["help_overdue"]
        assert _templates(s, w.supervisor.id) == ["help_overdue"]
        assert _templates(s, w.staff_there.id) == []


def test_a_request_not_resolved_in_seven_days_is_escalated_again(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = submit(s, w.resident)
        transition_help_request(s, actor=w.staff, request_id=made.id, to="accepted")
    frozen_clock.advance(days=7, minutes=1)
    with session_scope() as s:
        assert escalate_overdue_help_requests(s, now=clock.now()) == 1
        assert escalate_overdue_help_requests(s, now=clock.now()) == 0
        [alert] = s.scalars(select(RiskAlert).where(RiskAlert.kind == "overdue_request"))
        assert "超时未办结" in alert.summary


def test_sla_minutes_come_from_settings(db, frozen_clock):
    before = get_settings()
    use_settings(before.with_(extra={"HELP_SLA_NORMAL_ACCEPT_MINUTES": "60"}))
    try:
        with session_scope() as s:
            w = make_world(s)
            made = submit(s, w.resident)
            assert made.accept_due_at - clock.now() == timedelta(minutes=60)
    finally:
        use_settings(before)


def test_an_unacknowledged_emergency_goes_to_the_supervisor_once_per_level(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        submit(s, w.resident, urgency="emergency", description="摔倒了")
    frozen_clock.advance(minutes=9)
    with session_scope() as s:
        assert escalate_unacknowledged_alerts(s, now=clock.now()) == 0
    frozen_clock.advance(minutes=2)
    with session_scope() as s:
        assert escalate_unacknowledged_alerts(s, now=clock.now()) == 1
    with session_scope() as s:
        assert escalate_unacknowledged_alerts(s, now=clock.now()) == 0
        # The open alert escalates on its own clock; the request job leaves it alone.
        assert escalate_overdue_help_requests(s, now=clock.now()) == 0
        [alert] = s.scalars(select(RiskAlert))
        assert alert.escalation_level == 1
        assert _templates(s, w.supervisor.id) == ["alert_escalated"]
    frozen_clock.advance(minutes=10)
    with session_scope() as s:
        assert escalate_unacknowledged_alerts(s, now=clock.now()) == 1
        assert _templates(s, w.supervisor.id) == ["alert_escalated", "alert_escalated"]


def test_an_acknowledged_alert_is_not_escalated(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = submit(s, w.resident, urgency="emergency", description="摔倒了")
        alerts.acknowledge_alert(s, actor=w.staff, alert_id=made.alert_id)
    frozen_clock.advance(minutes=30)
    with session_scope() as s:
        assert escalate_unacknowledged_alerts(s, now=clock.now()) == 0
        assert _templates(s, w.supervisor.id) == []


def test_rating_closes_the_request_once(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        made = submit(s, w.resident)
        with pytest.raises(InvalidTransition):
            rate_help_request(s, actor=w.resident, request_id=made.id, rating=5)
        made.status = "resolved"
        s.flush()
        with pytest.raises(ValidationFailed):
            rate_help_request(s, actor=w.resident, request_id=made.id, rating=6)
        with pytest.raises(NotAllowed):
            rate_help_request(s, actor=w.staff, request_id=made.id, rating=1)
        rated = rate_help_request(s, actor=w.resident, request_id=made.id, rating=4,
                                  comment="志愿者很耐心")
        assert (rated.status, rated.rating, rated.feedback_comment) == ("closed", 4, "志愿者很耐心")
        with pytest.raises(AlreadyRated):
            rate_help_request(s, actor=w.resident, request_id=made.id, rating=5)


def test_an_unrated_request_is_asked_about_once_more(db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        unrated = at_status(s, w, "resolved")
        rated = at_status(s, w, "resolved")
        rated.rating = 5
        s.flush()
    frozen_clock.advance(hours=23)
    with session_scope() as s:
        assert request_feedback_reminders(s, now=clock.now()) == 0
    frozen_clock.advance(hours=2)
    with session_scope() as s:
        assert request_feedback_reminders(s, now=clock.now()) == 1
    frozen_clock.advance(days=3)
    with session_scope() as s:
        assert request_feedback_reminders(s, now=clock.now()) == 0
        assert _templates(s, unrated.requester_id)[-1] == "help_feedback"
        assert "help_feedback" not in _templates(s, rated.requester_id)


def test_two_schedulers_running_at_once_escalate_an_alert_once(db, frozen_clock):
    import threading

    with session_scope() as s:
        w = make_world(s)
        submit(s, w.resident, urgency="emergency", description="摔倒了")
    frozen_clock.advance(minutes=11)
    counts, errors = [], []

    def run():
        try:
            with session_scope() as s:
                counts.append(escalate_unacknowledged_alerts(s, now=clock.now()))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sum(counts) == 1
    with session_scope() as s:
        assert _templates(s, w.supervisor.id) == ["alert_escalated"]

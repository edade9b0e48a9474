"""Demo data for help requests: routing for the demo communities and a non-empty staff queue."""

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from models.help_requests import HelpRequest
from models.messaging import Notification
from models.person import Person
from services.demo import load_demo_data
from services.help_requests import list_staff_help_requests, route_help_request

pytestmark = pytest.mark.integration


def test_demo_queues_are_not_empty_and_loading_twice_adds_nothing(db, frozen_clock, demo_people):
    with session_scope() as s:
        load_demo_data(s)
        assert s.scalar(select(func.count()).select_from(HelpRequest)) == 4
        liu = s.get(Person, demo_people["demo_staff_liu"])
        chen = s.get(Person, demo_people["demo_staff_chen"])
        [waiting] = list_staff_help_requests(s, actor=liu)
        assert waiting.status == "submitted" and waiting.requester_id == demo_people["demo_help_sun"]
        assert {r.status for r in list_staff_help_requests(s, actor=chen)} == {"assigned", "resolved"}
        assert s.scalar(select(func.count()).select_from(Notification).where(
            Notification.dedupe_key.like("help:%"))) == 0
        medical = route_help_request(s, category="medical", community_id=chen.community_id)
        assert medical.queue == "medical"

"""An emergency alert in the console shows where the need is now and the phone to call back."""

import pytest

from core.db import session_scope
from models.person import Person
from services.help_requests import submit_help_request
from services.help_requests.intake import set_help_place
from tests.console_client import login

pytestmark = pytest.mark.e2e


def test_the_alert_shows_the_place_told_later_and_the_phone(client, demo_people):
    with session_scope() as s:
        elder = s.get(Person, demo_people["demo_elder_wang"])
        made = submit_help_request(s, actor=elder, category="medical", urgency="emergency",
                                   description="摔倒了", channel="chat")
        set_help_place(s, actor=elder, request_id=made.id, place="菜市场东门")
        code = made.code
    login(client)
    page = client.get("/console/alerts").get_data(as_text=True)
    assert "<b>地点：</b>菜市场东门" in page
    assert 'href="tel:13800138001"' in page and f"求助{code}" in page

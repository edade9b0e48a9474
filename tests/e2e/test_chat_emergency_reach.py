"""An emergency from someone nobody knows yet reaches the duty desk, and the bot says so truly."""

import pytest

from core.db import session_scope
from models.messaging import Notification
from models.person import Person
from services.people.persons import revoke_role
from tests.e2e.chat import chat, rows

pytestmark = pytest.mark.e2e


def test_a_stranger_in_danger_reaches_the_duty_desk(wechat, demo_people):
    [said] = chat(wechat, "o_stranger_1", "救命，我摔倒了起不来")
    assert "已经通知社区工作人员" in said
    told = {n.person_id for n in rows(Notification, Notification.template == "help_emergency")}
    assert demo_people["demo_supervisor_zhao"] in told  # the county duty desk in the demo


def test_with_nobody_on_duty_the_bot_says_call_120_not_that_staff_were_told(wechat, demo_people):
    with session_scope() as s:
        revoke_role(s, person=s.get(Person, demo_people["demo_supervisor_zhao"]), role="duty")
    [said] = chat(wechat, "o_stranger_2", "救命，我摔倒了起不来")
    assert "已经通知" not in said and "还没联系上值班人员" in said and "120" in said
    [human] = chat(wechat, "o_stranger_3", "转人工")
    assert "已经通知" not in human and "还没联系上工作人员" in human

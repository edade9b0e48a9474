"""回访: 30 days after resolution the scheduler asks once; the chat answer lands on the timeline."""

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.help_requests import HelpRequest, HelpRequestEvent
from models.messaging import Notification
from models.monitoring import RiskAlert
from models.person import Person
from models.region import Community
from scheduler.jobs import JOBS
from services.help_requests import submit_help_request, transition_help_request
from tests.e2e.chat import chat
from tests.factories import make_person

pytestmark = pytest.mark.e2e


def _run_followups() -> object:
    [job] = [j for j in JOBS if j.id == "help_followups"]
    return job.func()


def _resolved_request(demo_people, *, category="medical", text="出院后想申请医疗救助"):
    with session_scope() as s:
        staff = s.get(Person, demo_people["demo_staff_liu"])
        community = s.get(Community, staff.community_id or 0) or s.scalars(select(Community)).first()
        resident = make_person(s, community=community, name="新来的老人")
        made = submit_help_request(s, actor=resident, category=category, urgency="normal",
                                   description=text, channel="chat")
        for to in ("accepted", "in_progress", "resolved"):
            transition_help_request(s, actor=staff, request_id=made.id, to=to)
        return made.id, made.code, resident.oa_openid, resident.id


def _timeline_notes(request_id):
    with session_scope() as s:
        return [e.note for e in s.scalars(select(HelpRequestEvent).where(
            HelpRequestEvent.request_id == request_id).order_by(HelpRequestEvent.id))]


def test_the_followup_is_asked_once_after_30_days_and_a_bad_answer_alerts_staff(
        wechat, frozen_clock, demo_people):
    made_id, code, openid, resident_id = _resolved_request(demo_people)
    frozen_clock.advance(days=29)
    assert _run_followups() == 0
    frozen_clock.advance(days=1, minutes=1)
    assert _run_followups() >= 1  # the demo data's resolved request is asked too
    assert _run_followups() == 0  # a second run (or a second scheduler) asks nobody twice
    with session_scope() as s:
        [asked] = s.scalars(select(Notification).where(Notification.template == "help_followup",
                                                       Notification.person_id == resident_id))
        assert code in asked.text and "回复：1 好多了 2 差不多 3 更难了" in asked.text
        assert "月" in asked.text and "日办好了" in asked.text

    frozen_clock.advance(days=2)
    [reply] = chat(wechat, openid, "3")
    assert "更难了" in reply and "已经告诉社区工作人员" in reply
    assert _timeline_notes(made_id)[-2:] == ["回访：已问近况", "回访：更难了"]
    with session_scope() as s:
        assert s.get(HelpRequest, made_id).followup_answer == "worse"
        [alert] = s.scalars(select(RiskAlert).where(RiskAlert.kind == "followup_worse"))
        assert alert.subject_id == made_id and code in alert.summary
        told = s.scalars(select(Notification).where(
            Notification.template == "help_followup_worse")).all()
        assert demo_people["demo_staff_liu"] in {n.person_id for n in told}
    chat(wechat, openid, "3")  # answered once: a second "3" is not taken as another answer
    assert _timeline_notes(made_id)[-1] == "回访：更难了"
    with session_scope() as s:
        assert len(s.scalars(select(RiskAlert).where(RiskAlert.kind == "followup_worse")).all()) == 1


def test_a_good_answer_in_words_is_kept_without_alerting_anyone(wechat, frozen_clock, demo_people):
    made_id, code, openid, _ = _resolved_request(demo_people, category="living", text="灯坏了")
    frozen_clock.advance(days=30, minutes=1)
    assert _run_followups() >= 1
    [reply] = chat(wechat, openid, "好多了")
    assert "好多了" in reply and code in reply
    assert _timeline_notes(made_id)[-1] == "回访：好多了"
    with session_scope() as s:
        assert s.scalars(select(RiskAlert).where(RiskAlert.kind == "followup_worse")).all() == []


def test_a_request_resolved_long_before_the_feature_is_not_asked(frozen_clock, sqlite_db,
                                                                  demo_people):
    _resolved_request(demo_people)
    frozen_clock.advance(days=60)
    assert _run_followups() == 0


def test_an_answer_after_the_two_weeks_is_not_taken_for_the_followup(wechat, frozen_clock,
                                                                     demo_people):
    made_id, _, openid, _ = _resolved_request(demo_people, category="housing", text="屋顶漏雨")
    frozen_clock.advance(days=30, minutes=1)
    _run_followups()
    frozen_clock.advance(days=15)
    chat(wechat, openid, "3")
    assert _timeline_notes(made_id)[-1] == "回访：已问近况"
    with session_scope() as s:
        assert s.get(HelpRequest, made_id).followup_answer is None

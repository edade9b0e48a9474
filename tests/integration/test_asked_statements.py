"""What a bare answer costs when nothing was asked: one look-up for every kind of question (issue 25).

A "1", "好" or "5" with no flow open may answer a question the outbox sent
(a rating, a service to confirm, a proxy invitation, a charity consent, a
回访). Counted on the engine through the real /wechat pipeline with the demo
data: for someone with nothing asked, the person and one statement that tells
which kinds may wait — not each kind's look-up and each "settled meanwhile".
A waiting rating or service record is still found and taken.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.db import session_scope
from models.help_requests import HelpRequest
from models.person import Person
from models.volunteers import ServiceRecord

WANG = "demo_elder_wang"
STAFF = "demo_staff_liu"
ZHANG = "demo_volunteer_zhang"


def _wang(s: Any) -> Person:
    return s.scalars(select(Person).where(Person.oa_openid == WANG)).one()


def _resolved_request_for_wang() -> None:
    """Staff take a request of Wang's through to 已办好, which asks for a score."""
    from services.help_requests import transition_help_request
    from services.help_requests.intake import submit_help_request

    with session_scope() as s:
        worker = s.scalars(select(Person).where(Person.oa_openid == STAFF)).one()
        request = submit_help_request(s, actor=_wang(s), category="living", urgency="normal",
                                      description="厨房的灯坏了")
        for to in ("accepted", "in_progress", "resolved"):
            transition_help_request(s, actor=worker, request_id=request.id, to=to)


def _service_logged_for_wang() -> None:
    """A volunteer logs a service for Wang, who is asked "…对吗？回复1确认，2不对"."""
    from core import clock
    from services.volunteers import log_service

    with session_scope() as s:
        volunteer = s.scalars(select(Person).where(Person.oa_openid == ZHANG)).one()
        log_service(s, actor=volunteer, day=clock.today(), hours=2, description="帮王奶奶买菜",
                    beneficiary_id=_wang(s).id)


def test_a_bare_number_with_nothing_asked_costs_one_look_up(wang_says):
    reply, said = wang_says("1")
    assert "没有要您回复数字" in reply
    # The person, then one statement for the five kinds of question (was ten).
    assert len(said) <= 2, said
    assert sum("EXISTS" in s for s in said) == 1, said


def test_a_yes_with_nothing_asked_costs_one_look_up(wang_says):
    _, said = wang_says("好")
    assert sum("FROM help_requests" in s for s in said) <= 1, said
    assert len([s for s in said if "EXISTS" in s or "help_requests" in s
                or "service_records" in s or "proxies" in s or "notifications" in s]) <= 1, said


def test_a_waiting_rating_is_still_taken(wang_says):
    _resolved_request_for_wang()
    reply, _ = wang_says("5")
    assert "您打了5分" in reply
    with session_scope() as s:
        [request] = s.scalars(select(HelpRequest).where(HelpRequest.requester_id == _wang(s).id,
                                                        HelpRequest.rating.is_not(None)))
        assert request.rating == 5


def test_a_score_given_elsewhere_is_still_said(wang_says):
    from services.help_requests.feedback import rate_help_request

    _resolved_request_for_wang()
    with session_scope() as s:
        [request] = s.scalars(select(HelpRequest).where(HelpRequest.requester_id == _wang(s).id,
                                                        HelpRequest.status == "resolved"))
        rate_help_request(s, actor=_wang(s), request_id=request.id, rating=4, comment=None)
    reply, _ = wang_says("5")
    assert "已经打过分了（4分），不用再打" in reply


def test_a_service_to_confirm_is_still_taken(wang_says):
    _service_logged_for_wang()
    reply, _ = wang_says("1")
    assert "已经确认了" in reply
    with session_scope() as s:
        [record] = s.scalars(select(ServiceRecord).where(ServiceRecord.beneficiary_id == _wang(s).id,
                                                         ServiceRecord.decided_via == "beneficiary"))
        assert record.status == "verified"

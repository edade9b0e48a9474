"""Plain words for the requester and the shape of the status machine (no I/O)."""

from datetime import UTC, datetime

import pytest

from models.help_requests import STATUSES, HelpRequest
from services.help_requests import TRANSITIONS, describe_for_requester

DUE = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


def _request(status, **fields):
    values = {"code": "QZ-20261129-0007", "category": "medical", "urgency": "normal",
              "status": status, "accept_due_at": DUE, "resolve_due_at": DUE, **fields}
    return HelpRequest(**values)


def test_a_new_request_says_when_someone_will_call():
    text = describe_for_requester(_request("submitted"))
    assert text.splitlines() == [
        "求助QZ-20261129-0007（就医）",
        "现在：已收到，正在等工作人员受理",
        "下一步：工作人员会在11月30日09:00前联系您。",
    ]


def test_an_emergency_says_what_to_do_now():
    assert "120、110或119" in describe_for_requester(_request("submitted", urgency="emergency"))


@pytest.mark.parametrize(("status", "words"), [
    ("accepted", "工作人员已受理"),
    ("assigned", "已安排人帮您"),
    ("in_progress", "正在为您办理"),
    ("cancelled", "已取消"),
    ("referred", "已转给其他单位办理"),
])
def test_each_status_reads_in_plain_words(status, words):
    assert f"现在：{words}" in describe_for_requester(_request(status))


def test_a_resolved_request_asks_for_a_rating_until_it_gets_one():
    assert "回复1到5分" in describe_for_requester(_request("resolved"))
    assert "谢谢您的评价" in describe_for_requester(_request("closed", rating=5))


def test_a_rejection_gives_its_reason():
    text = describe_for_requester(_request("rejected", rejection_reason="不在本社区"))
    assert "原因：不在本社区" in text


def test_the_main_line_and_the_end_states():
    line = ["submitted", "accepted", "assigned", "in_progress", "resolved", "closed"]
    for here, there in zip(line, line[1:], strict=False):
        assert there in TRANSITIONS[here]
    assert set(TRANSITIONS) == set(STATUSES)
    for end in ("closed", "cancelled", "rejected"):
        assert TRANSITIONS[end] == frozenset()

"""What a one-shot answer costs in SQL statements: read what it says, once (issue 25).

Counted on the engine, as bench/wechat_turn_cost.py counts them, through the
real /wechat pipeline with the demo data. The numbers are ceilings: a policy
question that reads the sender's row only to find their community, a help
status that reads the requests twice, a menu that reads the canteen, its
meals and the menus apart, fails here.
"""

from __future__ import annotations

import pytest

from core import clock
from core.db import session_scope
from services.help_requests import submit_help_request
from services.people.persons import get_person_by_oa_openid

WANG = "demo_elder_wang"
pytestmark = pytest.mark.integration


def _reading(table: str, sent: list[str]) -> int:
    return sum(f"FROM {table}" in s for s in sent)


def test_a_policy_question_reads_the_entries_once_and_not_the_senders_row(wang_says):
    said, sent = wang_says("低保怎么申请")
    assert "谁能办" in said and "到哪办" in said and "服务电话" in said, said
    # the entries (only the chosen one opened), the sender's community with its street
    assert len(sent) <= 2, sent
    assert _reading("policy_entries", sent) == 1 and _reading("persons", sent) <= 1, sent

    said, sent = wang_says("助餐补贴标准是多少")
    assert "每餐补" in said and "电话" in said, said
    assert len(sent) <= 3, sent  # and the subsidy rules for the table


def test_the_help_status_reads_the_requests_once(wang_says):
    said, sent = wang_says("我上次求助的事怎么样了")
    assert "现在没有在办的求助" in said, said
    assert len(sent) <= 2, sent  # the sender, their requests: open ones and the latest together
    assert _reading("help_requests", sent) == 1, sent


def test_the_help_status_still_names_a_request_turned_down_this_week(wang_says):
    with session_scope() as s:
        wang = get_person_by_oa_openid(s, openid=WANG)
        assert wang is not None
        request = submit_help_request(s, actor=wang, category="living", urgency="normal",
                                      description="想申请临时救助")
        request.status, request.updated_at = "rejected", clock.now()
    said, sent = wang_says("我上次求助的事怎么样了")
    assert "现在没有在办的求助。最近一条" in said, said
    assert _reading("help_requests", sent) == 1, sent
    with session_scope() as s:  # a newer one closed: the old refusal is no longer the news
        wang = get_person_by_oa_openid(s, openid=WANG)
        assert wang is not None
        newer = submit_help_request(s, actor=wang, category="living", urgency="normal",
                                    description="想找人修水管")
        newer.status = "closed"
    said, _sent = wang_says("我上次求助的事怎么样了")
    assert "最近一条" not in said and "现在没有在办的求助" in said, said


def test_a_menu_question_reads_the_canteen_with_its_menus(wang_says):
    said, sent = wang_says("明天午饭有什么菜")
    assert "明天" in said, said
    assert len(sent) <= 1, sent
    assert _reading("canteen_meals", sent) == 0, sent


def test_nearby_canteens_and_points_stay_as_few(wang_says):
    said, sent = wang_says("附近有助餐点吗")
    assert "离您最近的助餐点" in said, said
    assert len(sent) <= 2, sent
    said, sent = wang_says("我的积分还有多少")
    assert "积分" in said and len(sent) <= 2, sent

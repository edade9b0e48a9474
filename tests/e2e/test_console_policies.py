"""政策问答 in the console: staff edit an answer, the chat says it from the next message, the save is audited."""

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.audit import AuditEntry
from tests.console_client import login, post_form
from tests.e2e.chat import chat

pytestmark = pytest.mark.e2e
LI = "demo_elder_li"
FORM = {"title": "医疗救助", "keywords": "医疗救助\n大病救助\n看病报销",
        "who": "低保、特困等困难群众，医保报销后自己付的部分再救助七成。",
        "bring": "身份证、医保卡、出院小结和发票。", "window": "{街道}医保服务站 二号窗口",
        "action": "apply", "help_category": "medical", "active": "true"}


def test_staff_edit_a_policy_and_the_chat_answers_with_it(client, wechat, demo_people):
    login(client)
    listing = client.get("/console/policies").get_data(as_text=True)
    assert "医疗救助" in listing and "防止返贫监测" in listing and "政策问答" in listing
    assert "住院发票" in client.get("/console/policies/medical_aid").get_data(as_text=True)
    saved = post_form(client, "/console/policies/medical_aid", "/console/policies/medical_aid", FORM)
    assert saved.status_code == 302
    [answer] = chat(wechat, LI, "医疗救助")
    assert "再救助七成" in answer and "出院小结" in answer and "幸福街道医保服务站 二号窗口" in answer
    with session_scope() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.subject_type == "policy_entry"))
    assert entry.action == "update" and entry.actor_id == demo_people["demo_staff_liu"]
    assert {"who", "bring", "window"} <= set(entry.fields or [])


def test_a_policy_switched_off_is_no_longer_answered(client, wechat, demo_people):
    login(client)
    post_form(client, "/console/policies/housing_aid", "/console/policies/housing_aid",
              {**FORM, "title": "住房救助", "keywords": "住房救助", "active": ""})
    [answer] = chat(wechat, LI, "住房救助")
    assert "住房保障窗口" not in answer and "住房救助" not in answer.split("\n")[0]


def test_a_bad_form_changes_nothing_and_says_which_field(client, wechat, demo_people):
    login(client)
    refused = post_form(client, "/console/policies/medical_aid", "/console/policies/medical_aid",
                        {**FORM, "who": "", "action": "delete_everything"})
    assert refused.status_code == 400
    [answer] = chat(wechat, LI, "医疗救助")
    assert "住院发票" in answer


def test_residents_cannot_open_the_editor(client, demo_people):
    page = client.get("/console/policies")
    assert page.status_code == 302 and "/console/login" in page.headers["Location"]

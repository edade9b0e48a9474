"""Help requests keep what people said; emergencies keep where the person is.

Through /wechat (signed XML in, reply and database out), for demo people and
for someone who has never written before.
"""

import dataclasses

import pytest
from sqlalchemy import select

import nlp
from core.db import session_scope
from models.help_requests import HelpRequest
from models.messaging import Notification
from models.person import Person
from tests.console_client import login
from tests.e2e.chat import rows

pytestmark = pytest.mark.e2e
WANG, LI = "demo_elder_wang", "demo_elder_li"
NEWCOMER = "oBrandNewHelp0000000000001"


def say(wechat, openid, line):
    """Say a line; should the bot ask "您是不是遇到危险了？" first, answer no, as a person would."""
    reply = wechat.say(openid, line).content
    if "您是不是遇到危险了" in reply:
        reply = wechat.say(openid, "2").content
    return reply


def requests_of(openid):
    with session_scope() as s:
        person = s.scalar(select(Person).where(Person.oa_openid == openid))
        found = s.scalars(select(HelpRequest).where(HelpRequest.requester_id == person.id)
                          .order_by(HelpRequest.id))
        return [r for r in found if not r.description.startswith("想请人")]


def test_an_address_at_the_readback_is_the_place_not_the_description(wechat):
    first = say(wechat, LI, "家里没米了")
    assert "类别：生活" in first and "情况：家里没米了" in first
    again = wechat.say(LI, "我住在和睦社区5号楼301").content
    assert "类别：生活" in again and "情况：家里没米了" in again
    assert "地点：和睦社区5号楼301" in again and "1 确认" in again
    assert "已经提交" in wechat.say(LI, "1").content
    [request] = requests_of(LI)
    assert (request.category, request.urgency, request.description) == ("living", "normal", "家里没米了")
    assert request.place == "和睦社区5号楼301" and request.address == "和睦社区5号楼301"


def test_slot_by_slot_a_place_answer_is_kept_and_the_question_asked_again(wechat):
    assert "哪方面" in say(wechat, WANG, "我想求助")
    assert "什么情况" in wechat.say(WANG, "4").content
    again = wechat.say(WANG, "在3号楼下").content
    assert "什么情况" in again and "没听明白" not in again
    readback = wechat.say(WANG, "楼道的灯坏了，晚上看不见").content
    assert "类别：住房" in readback and "情况：楼道的灯坏了" in readback and "地点：3号楼下" in readback
    wechat.say(WANG, "1")
    [request] = requests_of(WANG)
    assert request.category == "housing" and request.place == "3号楼下"
    assert request.description == "楼道的灯坏了，晚上看不见"
    assert request.address == "阳光社区3号楼2单元101"  # home stays home


def test_the_first_message_description_survives_later_answers(wechat):
    readback = say(wechat, LI, "我腿脚不好，想找人陪我去医院复查")
    assert "类别：看病" in readback
    again = wechat.say(LI, "在人民医院门口").content
    assert "情况：我腿脚不好，想找人陪我去医院复查" in again and "类别：看病" in again
    wechat.say(LI, "1")
    [request] = requests_of(LI)
    assert request.category == "medical" and request.place == "人民医院门口"
    assert request.description == "我腿脚不好，想找人陪我去医院复查"


def test_after_an_emergency_where_the_person_is_is_the_place(wechat, demo_people):
    alerted = wechat.say(WANG, "我老伴晕倒了，叫不醒").content
    assert "120" in alerted and "人现在在哪里" in alerted
    said = wechat.say(WANG, "人在菜市场门口").content
    assert "菜市场门口" in said and "没听明白" not in said and "名字" not in said
    [request] = requests_of(WANG)
    assert request.urgency == "emergency" and request.place == "菜市场门口"
    assert request.address == "阳光社区3号楼2单元101" and request.description == "我老伴晕倒了，叫不醒"
    notices = [n.text for n in rows(Notification, Notification.template == "help_emergency")]
    assert any("菜市场门口" in text for text in notices)


def test_an_address_after_an_emergency_never_starts_registration(wechat):
    wechat.say(LI, "我老伴晕倒了，叫不醒")
    said = wechat.say(LI, "和睦社区2号楼502").content
    assert "名字" not in said and "收到" in said
    [request] = requests_of(LI)
    assert request.place == "和睦社区2号楼502"


def test_at_home_is_the_registered_address(wechat):
    alerted = wechat.say(WANG, "我摔倒了起不来")
    assert "1 在家（阳光社区3号楼2单元101）" in alerted.content
    assert "收到" in wechat.say(WANG, "1").content
    [request] = requests_of(WANG)
    assert request.place == "阳光社区3号楼2单元101"


def test_a_newcomer_emergency_asks_where_and_keeps_the_answer(wechat):
    alerted = wechat.say(NEWCOMER, "救命，我妈摔倒了起不来").content
    assert "120" in alerted and "人现在在哪里" in alerted
    said = wechat.say(NEWCOMER, "在阳光社区7号楼下").content
    assert "收到" in said and "名字" not in said
    [request] = requests_of(NEWCOMER)
    assert request.urgency == "emergency" and request.place == "阳光社区7号楼下"
    assert request.address is None


def test_staff_see_the_place_apart_from_the_home_address(wechat, client, demo_people, token_for):
    wechat.say(WANG, "我老伴晕倒了，叫不醒")
    wechat.say(WANG, "人在菜市场门口")
    [request] = requests_of(WANG)
    staff = {"Authorization": f"Bearer {token_for(demo_people['demo_staff_liu'])}"}
    seen = client.get(f"/api/v1/help-requests/{request.id}", headers=staff)
    body = seen.get_json()
    assert body["place"] == "菜市场门口" and body["address"] == "阳光社区3号楼2单元101"
    login(client)
    page = client.get(f"/console/requests/{request.id}").get_data(as_text=True)
    assert "求助地点：</b>菜市场门口" in page and "住址：</b>阳光社区3号楼2单元101" in page


@pytest.fixture
def unsure(monkeypatch):
    """Make one message read as maybe-danger, whatever nlp's current calibration says."""
    parse = nlp.parse

    def with_danger(text, now):
        found = parse(text, now)
        if text == "胸口有点闷":
            slots = {**found.slots, "urgency": "normal"}
            return dataclasses.replace(found, danger=0.5, slots=slots)
        return dataclasses.replace(found, danger=0.0) if found.danger_unsure else found

    monkeypatch.setattr(nlp, "parse", with_danger)


def test_maybe_danger_is_asked_and_a_yes_raises_the_emergency(wechat, unsure):
    asked = wechat.say(LI, "胸口有点闷").content
    assert "您是不是遇到危险了" in asked and "120" in asked and "1 是" in asked
    assert requests_of(LI) == []
    alerted = wechat.say(LI, "1").content
    assert "已经通知社区工作人员" in alerted and "人现在在哪里" in alerted
    [request] = requests_of(LI)
    assert request.urgency == "emergency" and request.description == "胸口有点闷"


def test_maybe_danger_with_a_no_goes_on_with_what_was_asked(wechat, unsure):
    wechat.say(LI, "胸口有点闷")
    said = wechat.say(LI, "没有危险").content
    assert "没事就好" in said
    assert [r for r in requests_of(LI) if r.urgency == "emergency"] == []


def test_more_at_the_readback_adds_to_what_happened(wechat):
    say(wechat, LI, "家里没米了")
    again = wechat.say(LI, "还有油也没了").content
    assert "情况：家里没米了；还有油也没了" in again and "类别：生活" in again
    wechat.say(LI, "1")
    [request] = requests_of(LI)
    assert request.description == "家里没米了；还有油也没了" and request.category == "living"


def test_a_correction_at_the_readback_replaces_what_happened(wechat):
    say(wechat, LI, "家里没米了")
    again = wechat.say(LI, "不对，是家里停电了没钱交电费").content
    assert "情况：家里停电了没钱交电费" in again and "1 确认" in again
    wechat.say(LI, "1")
    [request] = requests_of(LI)
    assert request.description == "家里停电了没钱交电费"


def test_a_clear_new_request_after_an_emergency_is_answered_not_taken_as_the_place(wechat):
    wechat.say(WANG, "我老伴晕倒了，叫不醒")
    status = wechat.say(WANG, "我的求助").content
    assert "QZ-" in status and "收到，人在" not in status
    [request] = requests_of(WANG)
    assert request.place is None


def test_after_an_emergency_a_plea_is_asked_again_and_the_next_answer_is_the_place(wechat):
    wechat.say(LI, "我老伴晕倒了，叫不醒")
    again = wechat.say(LI, "快点来人啊").content
    assert "人现在在哪里" in again
    wechat.say(LI, "在小区南门")
    [request] = requests_of(LI)
    assert request.place == "小区南门"


def test_after_an_emergency_no_need_any_more_stores_no_place(wechat):
    wechat.say(LI, "我老伴晕倒了，叫不醒")
    said = wechat.say(LI, "没事了").content
    assert "没听明白" not in said and "收到，人在" not in said
    [request] = requests_of(LI)
    assert request.place is None

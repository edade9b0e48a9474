"""A referral to a charity end to end: told, listed, read under the consent of the moment, acted on."""

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.messaging import Notification
from models.person import Person
from models.region import Organisation
from tests.e2e.chat import chat
from tests.help_factories import grant_charity_consent, make_world, submit

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(sqlite_db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        grant_charity_consent(s, w.resident)
        return w


@pytest.fixture
def auth(token_for):
    return lambda person: {"Authorization": f"Bearer {token_for(person.id)}"}


def _refer(client, world, auth):
    with session_scope() as s:
        made = submit(s, world.resident, category="living", description="冬天没有棉被",
                      contact_phone="13800138001")
        made_id, code = made.id, made.code
    moved = client.post(f"/api/v1/staff/help-requests/{made_id}/transition",
                        headers=auth(world.staff),
                        json={"to": "referred", "assignee": {"organisation_id": world.charity.id}})
    assert moved.status_code == 200, moved.get_json()
    return made_id, code


def _told(person_id, template):
    with session_scope() as s:
        return [n.text for n in s.scalars(select(Notification).where(
            Notification.person_id == person_id, Notification.template == template)
            .order_by(Notification.id))]


def test_the_charity_is_told_sees_the_request_and_reports_the_result(client, world, auth):
    made_id, code = _refer(client, world, auth)
    [notice] = _told(world.charity_admin.id, "help_referred")
    assert code in notice and "王**" in notice and "冬天没有棉被" not in notice

    charity = auth(world.charity_admin)
    listed = client.get("/api/v1/staff/help-requests", headers=charity)
    assert listed.status_code == 200
    assert [i["code"] for i in listed.get_json()["items"]] == [code]
    detail = client.get(f"/api/v1/help-requests/{made_id}", headers=charity).get_json()
    assert detail["description"] == "冬天没有棉被" and detail["contact_phone"] == "13800138001"

    for to, note in (("accepted", None), ("in_progress", None), ("resolved", "已送去两床棉被")):
        moved = client.post(f"/api/v1/staff/help-requests/{made_id}/transition", headers=charity,
                            json={"to": to, "note": note})
        assert moved.status_code == 200, moved.get_json()
    timeline = moved.get_json()["timeline"]
    assert timeline[-1]["to"] == "resolved" and timeline[-1]["note"] == "已送去两床棉被"
    told = _told(world.resident.id, "help_status")
    assert any("已办好" in t for t in told) and any("已转给其他单位办理" in t for t in told)


def test_withdrawing_consent_closes_the_request_to_the_charity_at_once(client, world, auth):
    made_id, code = _refer(client, world, auth)
    charity = auth(world.charity_admin)
    assert client.get(f"/api/v1/help-requests/{made_id}",
                      headers=charity).get_json()["contact_phone"] == "13800138001"
    withdrawn = client.delete("/api/v1/me/consents/share_with_charity", headers=auth(world.resident))
    assert withdrawn.status_code == 204
    hidden = client.get(f"/api/v1/help-requests/{made_id}", headers=charity)
    assert hidden.status_code == 404 and "冬天没有棉被" not in hidden.get_data(as_text=True)
    listed = client.get("/api/v1/staff/help-requests", headers=charity).get_json()["items"]
    assert [i["code"] for i in listed] == [code] and "description" not in listed[0]
    staff_view = client.get(f"/api/v1/help-requests/{made_id}", headers=auth(world.staff)).get_json()
    assert staff_view["description"] == "冬天没有棉被"


def test_a_charity_that_cannot_help_sends_it_back_with_a_reason(client, world, auth):
    made_id, code = _refer(client, world, auth)
    charity = auth(world.charity_admin)
    refused = client.post(f"/api/v1/staff/help-requests/{made_id}/transition", headers=charity,
                          json={"to": "rejected"})
    assert refused.status_code == 400 and "原因" in refused.get_json()["message"]
    back = client.post(f"/api/v1/staff/help-requests/{made_id}/transition", headers=charity,
                       json={"to": "rejected", "note": "本月物资已发完"})
    assert back.status_code == 200 and back.get_json()["organisation"] is None
    assert back.get_json()["description"] == ""  # no longer theirs: back with the community
    staff_view = client.get(f"/api/v1/help-requests/{made_id}", headers=auth(world.staff)).get_json()
    assert staff_view["status"] == "accepted" and staff_view["organisation"] is None
    assert "本月物资已发完" in staff_view["timeline"][-1]["note"]
    [notice] = _told(world.staff.id, "help_referral_declined")
    assert code in notice and "本月物资已发完" in notice
    assert any("社区会继续为您办理" in t for t in _told(world.resident.id, "help_status"))


@pytest.fixture
def demo_request(wechat, demo_people):
    with session_scope() as s:
        elder = s.get(Person, demo_people["demo_elder_wang"])
        made = submit(s, elder, category="living", description="冬天没有棉被")
        charity = s.scalar(select(Organisation).where(Organisation.kind == "charity"))
        return made.id, made.code, charity.id


def test_the_elder_agrees_in_chat_and_later_takes_it_back(client, wechat, demo_people,
                                                         demo_request, token_for):
    made_id, code, charity_id = demo_request
    staff = {"Authorization": f"Bearer {token_for(demo_people['demo_staff_liu'])}"}
    refused = client.post(f"/api/v1/staff/help-requests/{made_id}/transition", headers=staff,
                          json={"to": "referred", "assignee": {"organisation_id": charity_id}})
    assert refused.status_code == 422 and refused.get_json()["code"] == "CONSENT_REQUIRED"
    asked = client.post(f"/api/v1/staff/help-requests/{made_id}/ask-consent", headers=staff,
                        json={"organisation_id": charity_id})
    assert asked.get_json() == {"asked": True}
    [question] = _told(demo_people["demo_elder_wang"], "charity_consent")
    assert code in question and "电话、住址" in question and "1 同意 2 不同意" in question

    [yes] = chat(wechat, "demo_elder_wang", "1")
    assert yes.startswith("好的，已同意") and "撤回同意" in yes
    [told] = _told(demo_people["demo_staff_liu"], "help_consent_answered")
    assert code in told and "同意" in told
    moved = client.post(f"/api/v1/staff/help-requests/{made_id}/transition", headers=staff,
                        json={"to": "referred", "assignee": {"organisation_id": charity_id}})
    assert moved.status_code == 200

    charity = {"Authorization": f"Bearer {token_for(demo_people['demo_charity_zhou'])}"}
    assert client.get(f"/api/v1/help-requests/{made_id}",
                      headers=charity).get_json()["description"] == "冬天没有棉被"
    ask, done = chat(wechat, "demo_elder_wang", "我要撤回同意", "1")
    assert "看不到您的电话、住址和求助内容" in ask and "1 撤回" in ask
    assert done.startswith("已撤回")
    hidden = client.get(f"/api/v1/help-requests/{made_id}", headers=charity)
    assert hidden.status_code == 404
    [again] = chat(wechat, "demo_elder_wang", "撤回同意")
    assert again == "您没有同意过把求助告诉慈善组织，不用撤回。"


def test_the_elder_says_no_and_staff_are_told(client, wechat, demo_people, demo_request,
                                              token_for):
    made_id, code, charity_id = demo_request
    staff = {"Authorization": f"Bearer {token_for(demo_people['demo_staff_liu'])}"}
    client.post(f"/api/v1/staff/help-requests/{made_id}/ask-consent", headers=staff,
                json={"organisation_id": charity_id})
    [no] = chat(wechat, "demo_elder_wang", "不同意")
    assert no == "好的，不告诉慈善组织。社区会用其他办法帮您。"
    [told] = _told(demo_people["demo_staff_liu"], "help_consent_answered")
    assert "不同意" in told
    [after] = chat(wechat, "demo_elder_wang", "1")  # the question is settled: 1 answers nothing
    assert "不同意" not in after and "已同意" not in after

"""A person's rights through the doors: 我的信息 and 注销 in chat, the API, consent withdrawal."""

from __future__ import annotations

import pytest

from core.db import session_scope
from models.person import Person
from models.rights import ErasureRequest
from tests.e2e.chat import chat, rows
from tests.factories import make_person

pytestmark = pytest.mark.e2e
WANG = "demo_elder_wang"


def test_my_information_says_what_is_kept_and_how_to_get_the_copy(wechat):
    reply = chat(wechat, WANG, "我的信息")[0]
    assert "我们为您保存了这些信息" in reply and "授权记录" in reply
    assert "我的数据" in reply and "回复“注销”" in reply
    assert "13800138001" not in reply  # a summary, never the values


def test_erasure_is_read_back_then_asked_once_and_waits_for_staff(wechat, demo_people):
    readback, done = chat(wechat, WANG, "注销", "1")
    assert "确定要注销吗" in readback and "1 确认" in readback
    assert "已收到您的注销申请" in done
    again = chat(wechat, WANG, "我要注销账号")[0]
    assert "已经收到了" in again
    requests = rows(ErasureRequest, ErasureRequest.person_id == demo_people[WANG])
    assert [(r.status, r.channel) for r in requests] == [("requested", "chat")]
    with session_scope() as s:
        assert s.get_one(Person, demo_people[WANG]).name == "王秀英"  # nothing erased before staff


def test_saying_no_at_the_read_back_asks_nothing(wechat, demo_people):
    chat(wechat, WANG, "注销", "3")
    assert rows(ErasureRequest, ErasureRequest.person_id == demo_people[WANG]) == []


@pytest.fixture
def me(client, token_for):
    with session_scope() as s:
        person = make_person(s, name="赵大妈", phone="13911112222")
        person_id = person.id
    return person_id, {"Authorization": f"Bearer {token_for(person_id)}"}


def test_the_api_takes_an_erasure_request_and_lets_it_be_withdrawn(client, me):
    person_id, auth = me
    made = client.post("/api/v1/me/erasure", headers=auth)
    assert made.status_code == 201 and made.get_json()["status"] == "requested"
    assert client.post("/api/v1/me/erasure", headers=auth).get_json()["id"] == made.get_json()["id"]
    withdrawn = client.delete("/api/v1/me/erasure", headers=auth)
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "cancelled"
    assert client.delete("/api/v1/me/erasure", headers=auth).status_code == 404


def test_my_data_needs_a_login(client):
    response = client.get("/api/v1/me/data")
    assert response.status_code == 401 and response.get_json()["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(("scope", "fields", "body"), [
    ("sensitive_profile", ("phone", "address", "id_number"),
     {"phone": "13911113333", "address": "和睦路2号", "id_number": "330102195001011234"}),
    ("health", ("health_note", "disability_level"), {"health_note": "腿脚不便", "disability_level": 2}),
])
def test_withdrawing_a_consent_stops_its_use_at_once(client, me, scope, fields, body):
    person_id, auth = me
    assert client.post("/api/v1/me/consents", json={"scope": scope}, headers=auth).status_code == 201
    assert client.put("/api/v1/me", json=body, headers=auth).status_code == 200
    assert all(client.get("/api/v1/me", headers=auth).get_json()[f] for f in fields)
    assert client.delete(f"/api/v1/me/consents/{scope}", headers=auth).status_code == 204
    shown = client.get("/api/v1/me", headers=auth).get_json()
    assert [shown[f] for f in fields] == [None] * len(fields)
    exported = client.get("/api/v1/me/data", headers=auth).get_json()["sections"]["profile"]
    assert [exported[f] for f in fields] == [None] * len(fields)


def test_staff_confirm_an_erasure_in_the_console_with_the_reason_audited(client, demo_people):
    from sqlalchemy import select

    from models.audit import AuditEntry
    from tests.console_client import login, post_form

    li, wang = demo_people["demo_elder_li"], demo_people[WANG]
    with session_scope() as s:
        from services.rights.erasure import request_erasure

        request_id = request_erasure(s, person=s.get_one(Person, wang), channel="chat").id
        request_erasure(s, person=s.get_one(Person, li), channel="chat")  # another community's
    login(client)
    page = client.get("/console/erasures").get_data(as_text=True)
    assert "注销申请" in page and "王**" in page and "王秀英" not in page
    assert "李**" not in page
    refused = post_form(client, "/console/erasures", f"/console/erasures/{request_id}/confirm",
                        {"reason": ""})
    assert refused.status_code == 400
    done = post_form(client, "/console/erasures", f"/console/erasures/{request_id}/confirm",
                     {"reason": "本人到站申请，已核对身份证"})
    assert done.status_code == 302
    assert f"已注销用户{wang}" in client.get("/console/erasures").get_data(as_text=True)
    with session_scope() as s:
        person = s.get_one(Person, wang)
        assert person.phone is None and person.erased_at is not None
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
        assert audit.detail["reason"] == "本人到站申请，已核对身份证"

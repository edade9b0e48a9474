"""Proxies over HTTP: a family member invites by phone, the elderly person decides."""

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.messaging import Notification
from services.access.checks import can_act_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def family(client, demo_people, token_for):
    """Headers for a helper (张芳), an elderly man (李建国) and a stranger (王小明)."""
    def auth(openid):
        return {"Authorization": f"Bearer {token_for(demo_people[openid])}"}

    return auth("demo_volunteer_zhang"), auth("demo_elder_li"), auth("demo_family_wang")


def _invite(client, son, phone="13800138002"):
    return client.post("/api/v1/me/proxies", json={"phone": phone, "relation": "子女"}, headers=son)


def test_invite_accept_lets_the_helper_act_for_him(client, family, demo_people):
    son, mother, _ = family
    invited = _invite(client, son)
    assert invited.status_code == 201
    proxy = invited.get_json()
    assert proxy["status"] == "invited" and proxy["my_side"] == "agent"
    assert proxy["other"] == {"id": demo_people["demo_elder_li"], "name": "李**",
                              "phone": "138****8002"}
    mine = client.get("/api/v1/me/proxies", headers=mother).get_json()["items"]
    assert [(p["id"], p["my_side"], p["other"]["name"]) for p in mine] == [
        (proxy["id"], "principal", "张*")]
    accepted = client.post(f"/api/v1/me/proxies/{proxy['id']}/accept", headers=mother)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    with session_scope(readonly=True) as s:
        from models.person import Person
        helper = s.get(Person, demo_people["demo_volunteer_zhang"])
        assert can_act_for(s, agent=helper, principal_id=demo_people["demo_elder_li"])
        texts = [n.text for n in s.scalars(select(Notification).order_by(Notification.id))
                 if n.template.startswith("proxy_")]
    assert texts == [("张*想代您办理订餐、求助等事。在公众号回复：1 同意 2 不同意。"
                     "也可以在小程序“我的”里确认。"), "李**已同意您的代办邀请。"]


def test_only_the_principal_decides(client, family):
    son, mother, stranger = family
    proxy_id = _invite(client, son).get_json()["id"]
    assert client.post(f"/api/v1/me/proxies/{proxy_id}/accept", headers=son).status_code == 404
    assert client.post(f"/api/v1/me/proxies/{proxy_id}/accept", headers=stranger).status_code == 404
    declined = client.post(f"/api/v1/me/proxies/{proxy_id}/decline", headers=mother)
    assert declined.get_json()["status"] == "declined"
    twice = client.post(f"/api/v1/me/proxies/{proxy_id}/accept", headers=mother)
    assert twice.status_code == 409 and twice.get_json()["code"] == "INVALID_TRANSITION"


def test_reinvite_after_decline_and_either_side_can_end_it(client, family):
    son, mother, _ = family
    proxy_id = _invite(client, son).get_json()["id"]
    client.post(f"/api/v1/me/proxies/{proxy_id}/decline", headers=mother)
    again = _invite(client, son).get_json()
    assert again["id"] == proxy_id and again["status"] == "invited"
    client.post(f"/api/v1/me/proxies/{proxy_id}/accept", headers=mother)
    ended = client.delete(f"/api/v1/me/proxies/{proxy_id}", headers=son)
    assert ended.status_code == 200 and ended.get_json()["status"] == "revoked"
    assert client.delete(f"/api/v1/me/proxies/{proxy_id}", headers=mother).status_code == 409


def test_unknown_phone_and_self_invite_are_refused(client, family):
    son, _, _ = family
    unknown = _invite(client, son, phone="13000000000")
    assert unknown.status_code == 404 and "绑定手机号" in unknown.get_json()["message"]
    assert _invite(client, son, phone="13800138004").status_code == 422
    assert _invite(client, son, phone="12345").status_code == 400


def test_invite_is_idempotent_per_key(client, family):
    son, _, _ = family
    headers = {**son, "Idempotency-Key": "invite-0001"}
    first = client.post("/api/v1/me/proxies", json={"phone": "13800138002"}, headers=headers)
    again = client.post("/api/v1/me/proxies", json={"phone": "13800138002"}, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true" and again.get_json() == first.get_json()
    other = client.post("/api/v1/me/proxies", json={"phone": "13800138001"}, headers=headers)
    assert other.status_code == 409


def test_proxy_list_pages(client, family, demo_people, token_for):
    _, mother, _ = family
    for openid in ("demo_family_wang", "demo_volunteer_zhang", "demo_staff_liu"):
        _invite(client, {"Authorization": f"Bearer {token_for(demo_people[openid])}"})
    first = client.get("/api/v1/me/proxies?limit=2", headers=mother).get_json()
    assert len(first["items"]) == 2 and first["next_cursor"] == first["items"][-1]["id"]
    rest = client.get(f"/api/v1/me/proxies?limit=2&cursor={first['next_cursor']}", headers=mother)
    assert len(rest.get_json()["items"]) == 1 and rest.get_json()["next_cursor"] is None
    assert client.get("/api/v1/me/proxies?limit=101", headers=mother).status_code == 400


def test_a_cursor_beyond_any_id_is_a_field_error(client, family):
    _, mother, _ = family
    response = client.get(f"/api/v1/me/proxies?cursor={2**64}", headers=mother)
    assert response.status_code == 400 and response.get_json()["fields"] == {"cursor": "数值太大"}

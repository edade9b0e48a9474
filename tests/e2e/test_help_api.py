"""The help-request routes over HTTP: ask, follow, cancel, rate; staff triage; who sees what."""

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from models.audit import AuditEntry
from models.monitoring import RiskAlert
from services.help_requests import Assignee, transition_help_request
from tests.help_factories import make_world, submit

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(sqlite_db, frozen_clock):
    with session_scope() as s:
        return make_world(s)


@pytest.fixture
def auth(token_for):
    return lambda person: {"Authorization": f"Bearer {token_for(person.id)}"}


def _ask(client, headers, **body):
    payload = {"category": "medical", "description": "想找人陪我去医院", **body}
    return client.post("/api/v1/help-requests", json=payload, headers=headers)


def test_a_resident_asks_and_follows_the_request(client, world, auth):
    me = auth(world.resident)
    made = _ask(client, {**me, "Idempotency-Key": "ask-0000001"})
    body = made.get_json()
    assert made.status_code == 201 and body["code"] == "QZ-20261129-0001"
    assert body["outcome"] == "created" and body["status_text"] == "已收到，正在等工作人员受理"
    assert body["address"] == "阳光社区3号楼101"
    again = _ask(client, {**me, "Idempotency-Key": "ask-0000001"})
    assert again.get_json()["id"] == body["id"] and again.headers["Idempotent-Replayed"] == "true"
    listed = client.get("/api/v1/help-requests", headers=me).get_json()["items"]
    assert [i["code"] for i in listed] == ["QZ-20261129-0001"]
    detail = client.get(f"/api/v1/help-requests/{body['id']}", headers=me).get_json()
    assert [(e["from"], e["to"]) for e in detail["timeline"]] == [(None, "submitted")]
    assert "actor_id" not in detail["timeline"][0]


def test_a_second_ask_of_the_same_kind_is_attached(client, world, auth):
    me = auth(world.resident)
    first = _ask(client, me).get_json()
    second = _ask(client, me, description="还要有人推轮椅")
    assert second.status_code == 200
    assert second.get_json()["id"] == first["id"] and second.get_json()["outcome"] == "attached"


def test_bad_category_names_the_field(client, world, auth):
    response = _ask(client, auth(world.resident), category="money")
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"category": "不是允许的取值"}


def test_staff_triage_and_an_illegal_move_is_409(client, world, auth):
    made = _ask(client, auth(world.resident)).get_json()
    staff = auth(world.staff)
    queue = client.get("/api/v1/staff/help-requests?status=submitted", headers=staff).get_json()
    assert [i["id"] for i in queue["items"]] == [made["id"]] and "address" not in queue["items"][0]
    url = f"/api/v1/staff/help-requests/{made['id']}/transition"
    accepted = client.post(url, json={"to": "accepted", "note": "马上安排"}, headers=staff)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    assigned = client.post(url, json={"to": "assigned",
                                      "assignee": {"person_id": world.volunteer.id}}, headers=staff)
    assert assigned.get_json()["status"] == "assigned"
    illegal = client.post(url, json={"to": "closed"}, headers=staff)
    assert illegal.status_code == 409 and illegal.get_json()["code"] == "INVALID_TRANSITION"
    assert "已派单" in illegal.get_json()["message"]


def test_others_get_404_for_a_request(client, world, auth):
    made = _ask(client, auth(world.resident)).get_json()
    url = f"/api/v1/help-requests/{made['id']}"
    for stranger in (world.neighbour, world.volunteer, world.staff_there):
        response = client.get(url, headers=auth(stranger))
        assert response.status_code == 404, stranger.name
        assert response.get_json()["code"] == "NOT_FOUND"
    cancel = client.post(f"{url}/cancel", headers=auth(world.neighbour))
    assert cancel.status_code == 404
    move = client.post(f"/api/v1/staff/help-requests/{made['id']}/transition",
                       json={"to": "accepted"}, headers=auth(world.staff_there))
    assert move.status_code == 404


def test_the_assigned_volunteer_sees_a_masked_phone_and_staff_reads_are_audited(client, world, auth):
    made = _ask(client, auth(world.resident)).get_json()
    with session_scope() as s:
        transition_help_request(s, actor=s.merge(world.staff), request_id=made["id"], to="accepted")
        transition_help_request(s, actor=s.merge(world.staff), request_id=made["id"], to="assigned",
                                assignee=Assignee(person_id=world.volunteer.id))
    url = f"/api/v1/help-requests/{made['id']}"
    seen = client.get(url, headers=auth(world.volunteer)).get_json()
    assert seen["contact_phone"] == "138****8001" and seen["address"] == "阳光社区3号楼101"
    mine = client.get("/api/v1/help-requests?scope=assigned", headers=auth(world.volunteer))
    assert [i["id"] for i in mine.get_json()["items"]] == [made["id"]]
    assert "contact_phone" not in mine.get_json()["items"][0]
    full = client.get(url, headers=auth(world.staff)).get_json()
    assert full["contact_phone"] == "13800138001"
    client.get(url, headers=auth(world.resident))
    with session_scope() as s:
        readers = s.scalars(select(AuditEntry.actor_id).where(
            AuditEntry.subject_type == "help_request").order_by(AuditEntry.id))
        assert list(readers) == [world.volunteer.id, world.staff.id]


def test_cancel_and_feedback(client, world, auth):
    me = auth(world.resident)
    first = _ask(client, me).get_json()
    cancelled = client.post(f"/api/v1/help-requests/{first['id']}/cancel", headers=me)
    assert cancelled.get_json()["status"] == "cancelled"
    with session_scope() as s:
        done = submit(s, s.merge(world.resident), category="living")
        done.status = "resolved"
        done_id = done.id
    url = f"/api/v1/help-requests/{done_id}/feedback"
    out_of_range = client.post(url, json={"rating": 9}, headers=me)
    assert out_of_range.status_code == 400
    rated = client.post(url, json={"rating": 5, "comment": "谢谢"}, headers=me)
    assert rated.get_json()["status"] == "closed" and rated.get_json()["rating"] == 5
    twice = client.post(url, json={"rating": 4}, headers=me)
    assert twice.status_code == 409 and twice.get_json()["code"] == "ALREADY_RATED"


def test_an_emergency_shows_in_staff_alerts_and_ack_still_works(client, world, auth):
    _ask(client, auth(world.resident), urgency="emergency", description="老伴摔倒了")
    staff = auth(world.staff)
    [alert] = client.get("/api/v1/staff/alerts", headers=staff).get_json()["items"]
    assert alert["kind"] == "emergency" and alert["level"] == "critical"
    assert alert["escalate_at"].startswith("2026-11-29T01:10")  # 09:10 in Shanghai
    ack = client.post(f"/api/v1/staff/alerts/{alert['id']}/ack", json={}, headers=staff)
    assert ack.status_code == 200 and ack.get_json()["status"] == "acknowledged"
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(RiskAlert)) == 1

"""The HTTP contract every route shares: health, the error envelope, tokens, idempotency."""

import pytest

from core.db import session_scope
from models.messaging import Notification
from tests.factories import make_person
from tests.notes_app import build_notes_app

pytestmark = pytest.mark.e2e


def test_healthz_reports_db_and_kv(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "db": "ok", "kv": "ok"}


def test_unknown_route_gets_the_envelope_in_chinese(client):
    response = client.get("/api/v1/nothing-here", headers={"X-Request-ID": "req-12345678"})
    body = response.get_json()
    assert response.status_code == 404
    assert body == {"code": "NOT_FOUND", "message": "没有找到要找的内容。", "request_id": "req-12345678"}
    assert response.headers["X-Request-ID"] == "req-12345678"


def test_missing_token_is_401_and_query_token_never_accepted(client, demo_people, token_for):
    assert client.get("/api/v1/staff/alerts").status_code == 401
    token = token_for(demo_people["demo_staff_liu"])
    assert client.get(f"/api/v1/staff/alerts?token={token}").status_code == 401
    ok = client.get("/api/v1/staff/alerts", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and ok.get_json() == {"items": []}


def test_resident_cannot_open_staff_alerts(client, demo_people, token_for):
    token = token_for(demo_people["demo_elder_wang"])
    response = client.get("/api/v1/staff/alerts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.get_json()["code"] == "FORBIDDEN"


def test_expired_token_is_refused(client, demo_people, token_for, frozen_clock):
    token = token_for(demo_people["demo_staff_liu"])
    frozen_clock.advance(days=8)
    response = client.get("/api/v1/staff/alerts", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


@pytest.fixture
def notes_app(make_app, sqlite_db, memory_kv):
    """An app with one creating route, to exercise the shared conventions."""
    return build_notes_app(make_app, sqlite_db, memory_kv)


def _count_notes():
    with session_scope(readonly=True) as s:
        return s.query(Notification).count()


def test_idempotency_key_replays_and_refuses_a_different_body(notes_app, token_for):
    with session_scope() as s:
        person_id = make_person(s).id
    client = notes_app.test_client()
    headers = {"Authorization": f"Bearer {token_for(person_id)}", "Idempotency-Key": "key-00000001"}
    first = client.post("/test/notes", json={"text": "你好"}, headers=headers)
    again = client.post("/test/notes", json={"text": "你好"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count_notes() == 1
    other = client.post("/test/notes", json={"text": "不同"}, headers=headers)
    assert other.status_code == 409 and other.get_json()["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_validation_errors_name_the_fields(notes_app, token_for):
    with session_scope() as s:
        person_id = make_person(s).id
    client = notes_app.test_client()
    auth = {"Authorization": f"Bearer {token_for(person_id)}"}
    missing = client.post("/test/notes", json={"extra": 1}, headers=auth)
    assert missing.status_code == 400
    assert missing.get_json()["fields"] == {"text": "必填", "extra": "不认识这个字段"}
    not_json = client.post("/test/notes", data="text=hi", headers=auth)
    assert not_json.status_code == 415
    broken = client.post("/test/notes", data="{", headers={**auth, "Content-Type": "application/json"})
    assert broken.status_code == 400


def test_unexpected_error_is_500_without_internals_and_rolls_back(notes_app, token_for):
    with session_scope() as s:
        person_id = make_person(s).id
    client = notes_app.test_client()
    response = client.post("/test/notes", json={"text": "boom"},
                           headers={"Authorization": f"Bearer {token_for(person_id)}"})
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == "INTERNAL_ERROR" and "Traceback" not in response.get_data(as_text=True)
    assert _count_notes() == 0


def test_oversized_body_is_413(notes_app, token_for):
    with session_scope() as s:
        person_id = make_person(s).id
    client = notes_app.test_client()
    response = client.post("/test/notes", data="x" * (1024 * 1024 + 10),
                           headers={"Authorization": f"Bearer {token_for(person_id)}",
                                    "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.get_json()["code"] == "PAYLOAD_TOO_LARGE"

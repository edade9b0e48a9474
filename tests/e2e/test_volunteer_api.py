"""The volunteer routes over HTTP: register, log, confirm, points, redeem, leaderboard, activities."""

import pytest

from core.db import session_scope
from models.person import Person
from models.volunteers import Reward
from services.volunteers import issue_attendance_code

pytestmark = pytest.mark.e2e


def _auth(token_for, person_id):
    return {"Authorization": f"Bearer {token_for(person_id)}"}


def test_a_logged_service_confirmed_by_the_elder_earns_points_to_spend(client, demo_people, token_for, frozen_clock):
    volunteer = _auth(token_for, demo_people["demo_volunteer_zhang"])
    elder = _auth(token_for, demo_people["demo_elder_wang"])
    logged = client.post("/api/v1/service-records", headers=volunteer, json={
        "day": "2026-11-29", "hours": 2, "description": "买菜",
        "beneficiary_id": demo_people["demo_elder_wang"]})
    assert logged.status_code == 201 and logged.get_json()["status"] == "pending_confirmation"
    confirmed = client.post(f"/api/v1/service-records/{logged.get_json()['id']}/confirm",
                            headers=elder, json={"accepted": True})
    assert confirmed.get_json()["status"] == "verified"
    assert client.get("/api/v1/points", headers=volunteer).get_json() == {"balance": 20}
    entries = client.get("/api/v1/points/entries", headers=volunteer).get_json()["items"]
    assert [(e["amount"], e["memo"]) for e in entries] == [(20, "服务2小时")]
    rewards = client.get("/api/v1/rewards", headers=volunteer).get_json()["items"]
    towel = next(r for r in rewards if r["name"] == "毛巾两条")
    headers = {**volunteer, "Idempotency-Key": "redeem-0001"}
    first = client.post("/api/v1/redemptions", headers=headers, json={"reward_id": towel["id"]})
    again = client.post("/api/v1/redemptions", headers=headers, json={"reward_id": towel["id"]})
    assert first.status_code == again.status_code == 201 and first.get_json() == again.get_json()
    assert client.get("/api/v1/points", headers=volunteer).get_json() == {"balance": 0}
    broke = client.post("/api/v1/redemptions", headers={**volunteer, "Idempotency-Key": "redeem-0002"},
                        json={"reward_id": towel["id"]})
    assert broke.status_code == 409 and broke.get_json()["message"] == "积分不够了。"
    with session_scope() as s:
        assert s.get(Reward, towel["id"]).stock == towel["stock"] - 1
    board = client.get("/api/v1/leaderboard?month=2026-11", headers=volunteer).get_json()
    assert [(r["name"], r["hours"], r["points"]) for r in board["items"]] == [("张*", 2.0, 20)]


def test_staff_verify_a_new_volunteer_who_then_checks_in_and_out(client, demo_people, token_for, frozen_clock):
    family = _auth(token_for, demo_people["demo_family_wang"])
    staff = _auth(token_for, demo_people["demo_staff_liu"])
    assert client.post("/api/v1/service-records/check-in", headers=family, json={}).status_code == 403
    registered = client.post("/api/v1/volunteers", headers=family, json={"skills": ["维修"]})
    assert registered.status_code == 201 and registered.get_json()["status"] == "pending"
    verified = client.post(f"/api/v1/staff/volunteers/{demo_people['demo_family_wang']}/verify",
                           headers=staff, json={"approve": True})
    assert verified.get_json()["status"] == "verified"
    opened = client.post("/api/v1/service-records/check-in", headers=family, json={})
    frozen_clock.advance(hours=1, minutes=30)
    closed = client.post(f"/api/v1/service-records/{opened.get_json()['id']}/check-out", headers=family)
    assert closed.get_json()["hours"] == 1.5 and closed.get_json()["needs_staff"] is True
    approved = client.post(f"/api/v1/staff/service-records/{opened.get_json()['id']}/verify",
                           headers=staff, json={"approve": True})
    assert approved.get_json()["status"] == "verified"
    assert client.get("/api/v1/points", headers=family).get_json() == {"balance": 15}


def test_a_volunteer_signs_up_attends_by_code_and_earns_the_activity_points(client, demo_people, token_for, frozen_clock):
    volunteer = _auth(token_for, demo_people["demo_volunteer_zhang"])
    items = client.get("/api/v1/activities", headers=volunteer).get_json()["items"]
    dumplings = next(a for a in items if a["title"] == "敬老院包饺子")
    signed = client.post(f"/api/v1/activities/{dumplings['id']}/signups", headers=volunteer)
    assert signed.status_code == 201 and signed.get_json()["status"] == "signed_up"
    with session_scope() as s:
        code = issue_attendance_code(s, actor=s.get(Person, demo_people["demo_charity_zhou"]),
                                     activity_id=dumplings["id"])
    frozen_clock.set(__import__("datetime").datetime.fromisoformat(dumplings["starts_at"]))
    wrong = client.post(f"/api/v1/activities/{dumplings['id']}/attendance", headers=volunteer,
                        json={"code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400
    attended = client.post(f"/api/v1/activities/{dumplings['id']}/attendance", headers=volunteer,
                           json={"code": code})
    assert attended.get_json()["status"] == "attended"
    assert client.get("/api/v1/points", headers=volunteer).get_json() == {"balance": 3 * 10 + 30}

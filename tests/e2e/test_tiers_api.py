"""Staff API: resident search, tier verification, history, resources and monitoring over HTTP."""

import pytest

from core.db import session_scope
from models.person import Person

pytestmark = pytest.mark.e2e


def _auth(token_for, person_id):
    return {"Authorization": f"Bearer {token_for(person_id)}"}


def test_staff_search_is_masked_and_finds_by_phone(client, demo_people, token_for):
    headers = _auth(token_for, demo_people["demo_staff_liu"])
    found = client.get("/api/v1/staff/residents?q=13800138001", headers=headers).get_json()
    assert [(r["name"], r["phone"], r["tier_name"]) for r in found["items"]] == [
        ("王**", "138****8001", "低保")]
    by_tier = client.get("/api/v1/staff/residents?tier=dibao", headers=headers).get_json()
    assert [r["id"] for r in by_tier["items"]] == [demo_people["demo_elder_wang"]]


def test_staff_of_another_community_see_none_of_these_people(client, demo_people, token_for):
    headers = _auth(token_for, demo_people["demo_staff_chen"])
    wang = demo_people["demo_elder_wang"]
    found = client.get("/api/v1/staff/residents?q=王秀英", headers=headers).get_json()
    assert found["items"] == []
    assert client.get(f"/api/v1/staff/residents/{wang}/history", headers=headers).status_code == 404
    response = client.post(f"/api/v1/staff/residents/{wang}/tier", headers=headers,
                           json={"tier": "tekun", "evidence_note": "x", "review_due": "2027-01-01"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["demo_elder_wang", "demo_volunteer_zhang", "demo_canteen_sun"])
def test_resident_and_volunteer_tokens_open_no_staff_route(client, demo_people, token_for, who):
    headers = _auth(token_for, demo_people[who])
    wang = demo_people["demo_elder_wang"]
    for path in ("/api/v1/staff/residents", f"/api/v1/staff/residents/{wang}/history",
                 "/api/v1/staff/resources", "/api/v1/staff/monitoring?community_id=1"):
        assert client.get(path, headers=headers).status_code == 403, path
    response = client.post(f"/api/v1/staff/residents/{wang}/tier", headers=headers,
                           json={"tier": "tekun", "evidence_note": "x", "review_due": "2027-01-01"})
    assert response.status_code == 403


def test_verify_tier_then_history_shows_it(client, demo_people, token_for, frozen_clock):
    headers = _auth(token_for, demo_people["demo_staff_liu"])
    li = demo_people["demo_elder_wang"]
    response = client.post(f"/api/v1/staff/residents/{li}/tier", headers=headers,
                           json={"tier": "tekun", "evidence_note": "特困供养证 2026-088",
                                 "review_due": "2027-05-31"})
    assert response.status_code == 201
    assert response.get_json()["previous_tier"] == "dibao"
    history = client.get(f"/api/v1/staff/residents/{li}/history", headers=headers).get_json()
    assert history["person"]["tier"] == "tekun" and history["person"]["tier_counts"] is True
    assert "核对认定：特困" in [e["title"] for e in history["events"]]
    with session_scope() as s:
        assert s.get(Person, li).tier_review_due.isoformat() == "2027-05-31"
    bad = client.post(f"/api/v1/staff/residents/{li}/tier", headers=headers,
                      json={"tier": "tekun", "evidence_note": "x", "review_due": "2020-01-01"})
    assert bad.status_code == 400 and bad.get_json()["fields"] == {"review_due": "日期不对"}


def test_resources_round_trip_and_monitoring(client, demo_people, token_for):
    headers = _auth(token_for, demo_people["demo_staff_liu"])
    created = client.post("/api/v1/staff/resources", headers=headers, json={
        "kind": "special_fund", "name": "困难群众专项基金", "offers": "临时生活补助",
        "eligibility": "低保边缘家庭", "contact": "县民政局 0571-88880000"})
    assert created.status_code == 201 and created.get_json()["kind_name"] == "专项基金"
    listed = client.get("/api/v1/staff/resources", headers=headers).get_json()["items"]
    assert "困难群众专项基金" in [r["name"] for r in listed]
    assert {r["kind_name"] for r in listed} == {"专项基金", "慈善冠名基金", "救助项目"}
    with session_scope() as s:
        community = s.get(Person, demo_people["demo_elder_wang"]).community_id
    board = client.get(f"/api/v1/staff/monitoring?community_id={community}", headers=headers)
    assert board.status_code == 200
    assert all(item["level"] in ("critical", "high", "medium", "low") for item in board.get_json()["items"])

"""GET/PUT /api/v1/me and consents: what a person sees and may change about themselves."""

import pytest
from sqlalchemy import select, text

from core.db import session_scope
from tests.factories import make_person

pytestmark = pytest.mark.e2e


@pytest.fixture
def me(client, token_for):
    """A resident with no consents yet, and their auth header."""
    with session_scope() as s:
        person = make_person(s, name="赵大妈", phone="13911112222")
        person_id = person.id
    return person_id, {"Authorization": f"Bearer {token_for(person_id)}"}


def test_owner_sees_their_full_profile(client, demo_people, token_for, frozen_clock):
    auth = {"Authorization": f"Bearer {token_for(demo_people['demo_elder_wang'])}"}
    body = client.get("/api/v1/me", headers=auth).get_json()
    assert body["name"] == "王秀英" and body["phone"] == "13800138001"
    assert body["address"] == "阳光社区3号楼2单元101"
    assert body["community"]["name"] == "阳光社区"
    assert body["age"] == 84 and body["living_alone"] is True
    assert body["economic_tier"] == "低保"
    assert body["consents"] == ["privacy_policy", "sensitive_profile"]
    assert body["roles"] == [{"role": "resident", "community_id": None, "organisation_id": None}]


def test_put_changes_only_the_given_fields(client, me):
    _, auth = me
    response = client.put("/api/v1/me", json={"name": "赵桂兰", "birth_date": "1950-02-03",
                                              "living_alone": True}, headers=auth)
    assert response.status_code == 200
    body = client.get("/api/v1/me", headers=auth).get_json()
    assert (body["name"], body["birth_date"], body["living_alone"]) == ("赵桂兰", "1950-02-03", True)
    assert body["phone"] == "13911112222"


def test_unknown_and_malformed_fields_are_named(client, me):
    _, auth = me
    response = client.put("/api/v1/me", json={"nickname": "x", "birth_date": "2099-01-01",
                                              "community_id": 0}, headers=auth)
    assert response.status_code == 400
    assert response.get_json()["fields"] == {
        "nickname": "不认识这个字段", "birth_date": "日期不在合理范围内", "community_id": "数值太小"}


def test_unknown_community_is_a_field_error(client, me):
    _, auth = me
    response = client.put("/api/v1/me", json={"community_id": 999999}, headers=auth)
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"community_id": "没有这个社区"}


def test_nul_character_is_refused_not_a_crash(client, me):
    _, auth = me
    response = client.put("/api/v1/me", json={"name": "赵\x00"}, headers=auth)
    assert response.status_code == 400 and response.get_json()["fields"] == {"name": "含有不允许的字符"}


def test_address_needs_sensitive_profile_consent(client, me):
    _, auth = me
    refused = client.put("/api/v1/me", json={"address": "阳光社区1号楼"}, headers=auth)
    assert refused.status_code == 422
    assert refused.get_json()["code"] == "CONSENT_REQUIRED"
    assert refused.get_json()["scopes"] == ["sensitive_profile"]
    given = client.post("/api/v1/me/consents", json={"scope": "sensitive_profile"}, headers=auth)
    assert given.status_code == 201 and given.get_json()["policy_version"]
    assert client.put("/api/v1/me", json={"address": "阳光社区1号楼"}, headers=auth).status_code == 200
    assert client.get("/api/v1/me", headers=auth).get_json()["address"] == "阳光社区1号楼"
    assert client.delete("/api/v1/me/consents/sensitive_profile", headers=auth).status_code == 204
    again = client.put("/api/v1/me", json={"address": "别处"}, headers=auth)
    assert again.status_code == 422
    assert "sensitive_profile" not in client.get("/api/v1/me", headers=auth).get_json()["consents"]


def test_disability_needs_health_consent_and_clearing_needs_none(client, me):
    _, auth = me
    assert client.put("/api/v1/me", json={"disability_level": 2}, headers=auth).status_code == 422
    client.post("/api/v1/me/consents", json={"scope": "health"}, headers=auth)
    assert client.put("/api/v1/me", json={"disability_level": 2}, headers=auth).status_code == 200
    client.delete("/api/v1/me/consents/health", headers=auth)
    cleared = client.put("/api/v1/me", json={"disability_level": None}, headers=auth)
    assert cleared.status_code == 200 and cleared.get_json()["disability_level"] is None


def test_sensitive_values_are_encrypted_at_rest(client, me):
    person_id, auth = me
    client.post("/api/v1/me/consents", json={"scope": "sensitive_profile"}, headers=auth)
    client.put("/api/v1/me", json={"address": "阳光社区9号楼", "id_number": "33010019450101123x"},
               headers=auth)
    with session_scope(readonly=True) as s:
        row = s.execute(text("SELECT address, id_number FROM persons WHERE id = :id"),
                        {"id": person_id}).one()
    assert "阳光" not in row.address and "330100" not in row.id_number
    assert client.get("/api/v1/me", headers=auth).get_json()["id_number"] == "33010019450101123X"


def _put_id_number(client, token_for, id_number):
    """A brand-new resident consents and types an ID number; return the answer."""
    with session_scope() as s:
        person_id = make_person(s, name="钱大爷").id
    auth = {"Authorization": f"Bearer {token_for(person_id)}"}
    client.post("/api/v1/me/consents", json={"scope": "sensitive_profile"}, headers=auth)
    return person_id, client.put("/api/v1/me", json={"id_number": id_number}, headers=auth)


def test_an_id_number_on_another_account_is_answered_the_same_and_flagged_for_staff(client, token_for):
    from core import crypto
    from models.monitoring import RiskAlert
    from models.person import Person
    from models.region import Community

    def registered_to(id_number):
        bidx = crypto.blind_index(id_number, kind="id")
        return s.scalars(select(Person.id).where(Person.id_number_bidx == bidx)).all()

    with session_scope() as s:
        owner = make_person(s, name="孙阿姨")
        owner.set_id_number("330100194501011234")
        owner_id = owner.id
    taker_id, taken = _put_id_number(client, token_for, "330100194501011234")
    free_id, free = _put_id_number(client, token_for, "330100194601011235")
    assert taken.status_code == free.status_code == 200
    own = ("id", "phone", "id_number", "community")  # each person's own values
    shape = {k: v for k, v in taken.get_json().items() if k not in own}
    assert shape == {k: v for k, v in free.get_json().items() if k not in own}
    assert taken.get_json()["id_number"] == "330100194501011234"
    with session_scope(readonly=True) as s:
        alerts = s.scalars(select(RiskAlert).where(RiskAlert.kind == "duplicate_id_number")).all()
        assert [(a.person_id, a.detail) for a in alerts] == [(taker_id, {"other_person_id": owner_id})]
        assert f"#{owner_id}" in alerts[0].summary and alerts[0].status == "open"
        assert registered_to("330100194501011234") == [owner_id]  # the first account keeps it
        assert registered_to("330100194601011235") == [free_id]
        taker_community = s.get(Person, taker_id).community_id
    with session_scope() as s:  # the community's staff see it in their alert list
        staff = make_person(s, roles=("staff",), community=s.get(Community, taker_community))
        staff_id = staff.id
    listed = client.get("/api/v1/staff/alerts",
                        headers={"Authorization": f"Bearer {token_for(staff_id)}"}).get_json()["items"]
    assert [a["kind"] for a in listed] == ["duplicate_id_number"]


def test_consent_scope_must_be_known_and_withdrawal_needs_a_consent(client, me):
    _, auth = me
    bad = client.post("/api/v1/me/consents", json={"scope": "everything"}, headers=auth)
    assert bad.status_code == 400 and bad.get_json()["fields"] == {"scope": "不是允许的取值"}
    missing = client.delete("/api/v1/me/consents/health", headers=auth)
    assert missing.status_code == 404 and missing.get_json()["message"] == "您没有给过这项授权。"


def test_an_id_too_large_for_the_database_is_simply_not_found(client, me):
    _, auth = me
    response = client.post(f"/api/v1/me/proxies/{2**31}/accept", headers=auth)
    assert response.status_code == 404 and response.get_json()["code"] == "NOT_FOUND"
    assert client.post(f"/api/v1/me/proxies/{2**31 - 1}/accept", headers=auth).status_code == 404

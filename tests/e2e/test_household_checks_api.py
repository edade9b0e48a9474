"""Staff API: 家庭经济状况核对 and households by risk, from a brand-new household."""

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.person import Person
from models.region import Community
from services.people.households import link_to_household
from tests.factories import make_person

pytestmark = pytest.mark.e2e


def _auth(token_for, person_id):
    return {"Authorization": f"Bearer {token_for(person_id)}"}


def test_staff_record_a_household_get_a_proposal_and_override_it_with_a_reason(
        client, demo_people, token_for):
    with session_scope() as s:
        here = s.scalars(select(Community).where(Community.name == "阳光社区")).one()
        mother = make_person(s, community=here, name="孔玉珍")
        son = make_person(s, community=here, name="孔小军")
        link_to_household(s, actor=None, head_id=mother.id, member_id=son.id)
        mother_id, son_id, here_id = mother.id, son.id, here.id
    headers = _auth(token_for, demo_people["demo_staff_liu"])
    body = {"members": [
        {"person_id": mother_id, "income": {"pension": 120000}},
        {"person_id": son_id, "income": {"wage": 200000}, "expenses": {"education": 1500000},
         "situations": ["lost_work"]}]}
    made = client.post(f"/api/v1/staff/residents/{mother_id}/household-checks", json=body,
                       headers={**headers, "Idempotency-Key": "check-kong-0001"})
    assert made.status_code == 201, made.get_json()
    check = made.get_json()
    assert check["figures"]["per_capita_fen"] == 160000 and check["proposed_tier"] == "dibao_edge"
    assert "低于低保边缘线1725元" in check["proposal_reason"]
    risk = client.get(f"/api/v1/staff/households/risk?community_id={here_id}", headers=headers)
    mine = next(h for h in risk.get_json()["items"] if h["household_id"] == mother_id)
    assert mine["head_name"] == "孔**" and mine["members"] == 2 and mine["level"] == "medium"
    assert {s["code"] for s in mine["signals"]} == {"income_below_edge", "job_loss"}
    no_reason = client.post(f"/api/v1/staff/household-checks/{check['id']}/decision",
                            json={"tier": "rigid_expense"}, headers=headers)
    assert no_reason.status_code == 400 and "请写明理由" in no_reason.get_json()["message"]
    decided = client.post(f"/api/v1/staff/household-checks/{check['id']}/decision",
                          json={"tier": "rigid_expense", "reason": "孩子上大学，学费按年交"},
                          headers=headers).get_json()
    assert (decided["status"], decided["tier"], decided["review_due"]) == (
        "overridden", "rigid_expense", "2027-05-29")
    with session_scope() as s:
        assert s.get(Person, son_id).economic_tier == "rigid_expense"
    listed = client.get(f"/api/v1/staff/residents/{mother_id}/household-checks",
                        headers=headers).get_json()["items"]
    assert [c["override_reason"] for c in listed] == ["孩子上大学，学费按年交"]
    again = client.post(f"/api/v1/staff/household-checks/{check['id']}/decision",
                        json={"tier": None}, headers=headers)
    assert again.status_code == 400


def test_a_check_with_an_unknown_item_or_a_missing_member_is_refused(client, demo_people, token_for):
    li, liu = demo_people["demo_elder_li"], demo_people["demo_elder_liu"]
    headers = {**_auth(token_for, demo_people["demo_staff_chen"]), "Idempotency-Key": "check-li-0001"}
    odd = client.post(f"/api/v1/staff/residents/{li}/household-checks", headers=headers,
                      json={"members": [{"person_id": li, "income": {"lottery": 100}},
                                        {"person_id": liu}]})
    assert odd.status_code == 400
    headers["Idempotency-Key"] = "check-li-0002"
    half = client.post(f"/api/v1/staff/residents/{li}/household-checks", headers=headers,
                       json={"members": [{"person_id": li}]})
    assert half.status_code == 400 and "每位成员" in half.get_json()["message"]

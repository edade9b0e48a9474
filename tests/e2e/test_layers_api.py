"""分层分类救助 through the API: a request's layer, staff changing it, tiers and matching resources."""

from datetime import date

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.audit import AuditEntry
from models.region import Community
from services.people.persons import grant_role
from tests.factories import make_person
from tests.help_factories import make_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(sqlite_db, frozen_clock):
    with session_scope() as s:
        return make_world(s)


@pytest.fixture
def auth(token_for):
    return lambda person: {"Authorization": f"Bearer {token_for(person.id)}"}


def _submit(client, headers, category, urgency="normal", text="想请人帮忙"):
    made = client.post("/api/v1/help-requests", headers=headers,
                       json={"category": category, "urgency": urgency, "description": text})
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def test_a_new_request_carries_the_layer_its_category_and_urgency_give(client, world, auth):
    with session_scope() as s:
        newcomer = make_person(s, community=world.here, name="新居民")
    mine = auth(newcomer)
    medical = _submit(client, mine, "medical", text="住院费用付不起")
    assert (medical["layer"], medical["layer_name"]) == ("medical", "专项救助·医疗")
    urgent = _submit(client, mine, "living", urgency="emergency", text="家里着火了")
    assert (urgent["layer"], urgent["layer_name"]) == ("emergency", "急难型救助·临时救助")
    care = _submit(client, mine, "care", text="想请人照看")
    assert care["layer"] == "basic"

    staff = auth(world.staff)
    special = client.get("/api/v1/staff/help-requests?layer=medical", headers=staff).get_json()
    assert [i["code"] for i in special["items"]] == [medical["code"]]


def test_staff_change_a_layer_on_the_timeline_audited_and_nobody_else_can(client, world, auth):
    with session_scope() as s:
        newcomer = make_person(s, community=world.here, name="新居民")
    made = _submit(client, auth(newcomer), "other", text="说不清是什么困难")
    assert made["layer"] == "emergency"  # 临时救助 takes what no other layer covers

    refused = client.put(f"/api/v1/staff/help-requests/{made['id']}/layer",
                         headers=auth(newcomer), json={"layer": "basic"})
    assert refused.status_code in (403, 404)
    bad = client.put(f"/api/v1/staff/help-requests/{made['id']}/layer",
                     headers=auth(world.staff), json={"layer": "rich"})
    assert bad.status_code == 400 and "request_id" in bad.get_json()

    changed = client.put(f"/api/v1/staff/help-requests/{made['id']}/layer",
                         headers=auth(world.staff), json={"layer": "basic"})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert body["layer"] == "basic"
    assert body["timeline"][-1]["note"] == "救助层级：急难型救助·临时救助 → 基本生活救助"
    with session_scope() as s:
        [entry] = s.scalars(select(AuditEntry).where(AuditEntry.subject_type == "help_request",
                                                     AuditEntry.action == "update"))
        assert entry.actor_id == world.staff.id and entry.subject_id == made["id"]


def test_a_tier_decision_carries_its_layer_by_rule_or_by_staff(client, world, auth):
    with session_scope() as s:
        newcomer = make_person(s, community=world.here, name="新居民")
    staff = auth(world.staff)
    review = date(2027, 6, 30).isoformat()
    by_rule = client.post(f"/api/v1/staff/residents/{newcomer.id}/tier", headers=staff, json={
        "tier": "dibao", "evidence_note": "低保证入户核对", "review_due": review})
    assert by_rule.status_code == 201 and by_rule.get_json()["layer"] == "basic"
    chosen = client.post(f"/api/v1/staff/residents/{newcomer.id}/tier", headers=staff, json={
        "tier": "dibao_edge", "evidence_note": "孩子上学开支大", "review_due": review,
        "layer": "education"})
    assert chosen.status_code == 201 and chosen.get_json()["layer"] == "education"
    history = client.get(f"/api/v1/staff/residents/{newcomer.id}/history", headers=staff)
    layers = [e["layer"] for e in history.get_json()["events"] if e["kind"] == "tier"]
    assert sorted(layers) == ["basic", "education"]


def _resource(client, staff, **fit):
    made = client.post("/api/v1/staff/resources", headers=staff, json={
        "kind": "project", "offers": "帮忙", "eligibility": "困难家庭", **fit})
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def test_staff_see_the_resources_that_fit_a_request_and_refer_with_one_action(
        client, world, auth):
    with session_scope() as s:
        newcomer = make_person(s, community=world.here, name="新居民")
        here = s.get(Community, world.here.id)
        next_door = Community(code="M-NEXT", name="隔壁社区", street_id=here.street_id,
                              latitude=30.27, longitude=120.15)
        s.add(next_door)
        s.flush()
        next_door_id = next_door.id
        grant_role(s, person=world.staff, role="staff", community_id=next_door_id)
    staff = auth(world.staff)
    county_wide = _resource(client, staff, name="大病救助基金", layer="medical", category="medical",
                            organisation_id=world.charity.id)
    ours = _resource(client, staff, name="本社区陪诊", category="medical",
                     community_id=world.here.id, organisation_id=world.civil.id)
    assert ours["layer"] == "medical"  # the layer follows the category when not chosen
    _resource(client, staff, name="隔壁社区陪诊", category="medical", community_id=next_door_id)
    _resource(client, staff, name="助学金", category="education")
    dibao_only = _resource(client, staff, name="低保户医药补助", category="medical",
                           eligible_tiers=["dibao", "tekun"], organisation_id=world.civil.id)
    made = _submit(client, auth(newcomer), "medical", text="出院后药费负担重")

    def names():
        found = client.get(f"/api/v1/staff/help-requests/{made['id']}/resources", headers=staff)
        assert found.status_code == 200, found.get_json()
        return [m["name"] for m in found.get_json()["items"]]

    assert sorted(names()) == ["大病救助基金", "本社区陪诊"]
    client.post(f"/api/v1/staff/residents/{newcomer.id}/tier", headers=staff, json={
        "tier": "dibao", "evidence_note": "低保证", "review_due": "2027-06-30"})
    assert sorted(names()) == ["低保户医药补助", "大病救助基金", "本社区陪诊"]
    assert client.get(f"/api/v1/staff/help-requests/{made['id']}/resources",
                      headers=auth(newcomer)).status_code == 403

    referred = client.post(f"/api/v1/staff/help-requests/{made['id']}/transition", headers=staff,
                           json={"to": "referred", "note": f"转介资源：{dibao_only['name']}",
                                 "assignee": {"organisation_id": dibao_only["organisation_id"]}})
    assert referred.status_code == 200 and referred.get_json()["status"] == "referred"
    assert county_wide["eligible_tiers"] == [] and dibao_only["eligible_tiers"] == ["dibao", "tekun"]

"""The console groups by layer, matches a request to the resource list and shows canteen coverage."""

from datetime import date

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.addresses import AddressBuilding
from models.audit import AuditEntry
from models.console import AidResource
from models.help_requests import HelpRequest
from models.meals import Canteen
from services.access.staff_accounts import create_staff_account
from services.assistance.resources import create_resource
from services.help_requests import submit_help_request
from tests.console_client import login, post_form
from tests.factories import make_person
from tests.help_factories import make_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def world(client, sqlite_db, frozen_clock):
    with session_scope() as s:
        w = make_world(s)
        create_staff_account(s, person_id=w.staff.id, username="newstaff", password="pass-2026-ok")
    login(client, "newstaff", "pass-2026-ok")
    return w


def _request(world, category, urgency="normal", text="想请人帮忙"):
    with session_scope() as s:
        resident = make_person(s, community=world.here, name="新居民")
        made = submit_help_request(s, actor=resident, category=category, urgency=urgency,
                                   description=text, channel="miniprogram")
        return made.id, made.code, resident.id


def test_queue_and_dashboard_group_open_requests_by_layer(client, world):
    _request(world, "medical")
    _request(world, "education")
    _, urgent_code, _ = _request(world, "housing", urgency="emergency", text="房子塌了")
    queue = client.get(f"/console/requests?community_id={world.here.id}").get_data(as_text=True)
    assert "专项救助·医疗<b>1 件未办结</b>" in queue
    assert "急难型救助·临时救助<b>1 件未办结</b>" in queue
    only = client.get(f"/console/requests?community_id={world.here.id}&layer=emergency")
    page = only.get_data(as_text=True)
    assert urgent_code in page and page.count("/console/requests/") == 1
    board = client.get(f"/console/?community_id={world.here.id}").get_data(as_text=True)
    assert "每月求助（按救助层级）" in board and "基本生活救助<b>0 件</b>" in board
    assert "专项救助·教育<b>1 件</b>" in board


def test_staff_refer_to_a_fitting_resource_with_one_action_and_change_the_layer(client, world):
    made_id, code, _ = _request(world, "medical", text="出院后药费负担重")
    with session_scope() as s:
        staff = s.get(type(world.staff), world.staff.id)
        fits = create_resource(s, actor=staff, kind="project", name="陪诊服务", offers="陪同看病",
                               eligibility="行动不便的老人", category="medical",
                               community_id=world.here.id, organisation_id=world.civil.id)
        create_resource(s, actor=staff, kind="project", name="助学金", offers="学费",
                        eligibility="学生", category="education")
        fits_id = fits.id
    page = client.get(f"/console/requests/{made_id}").get_data(as_text=True)
    matches = page[page.index('id="matches"'):page.index("办理经过")]
    assert "陪诊服务" in matches and "助学金" not in matches and "转介到这个资源" in matches
    assert "专项救助·医疗" in matches and "本社区" in matches

    moved = post_form(client, f"/console/requests/{made_id}", f"/console/requests/{made_id}/move",
                      {"to": "referred", "resource_id": str(fits_id)})
    assert moved.status_code == 302
    with session_scope() as s:
        referred = s.get(HelpRequest, made_id)
        assert referred.status == "referred" and referred.organisation_id == world.civil.id
    page = client.get(f"/console/requests/{made_id}").get_data(as_text=True)
    assert "转介资源：陪诊服务" in page

    post_form(client, f"/console/requests/{made_id}", f"/console/requests/{made_id}/layer",
              {"layer": "emergency"})
    page = client.get(f"/console/requests/{made_id}").get_data(as_text=True)
    assert "救助层级：专项救助·医疗 → 急难型救助·临时救助" in page
    bad = post_form(client, f"/console/requests/{made_id}", f"/console/requests/{made_id}/layer",
                    {"layer": "nonsense"})
    assert bad.status_code == 400 and "Traceback" not in bad.get_data(as_text=True)


def test_resource_layers_are_set_on_adding_and_changed_audited(client, world):
    added = post_form(client, "/console/resources", "/console/resources", {
        "kind": "project", "name": "就业帮扶", "offers": "推荐岗位", "eligibility": "失业人员",
        "category": "employment", "eligible_tiers": "dibao"})
    assert added.status_code == 302
    with session_scope() as s:
        entry = s.scalar(select(AidResource).where(AidResource.name == "就业帮扶"))
        assert (entry.layer, entry.eligible_tiers) == ("employment", "dibao")
        entry_id = entry.id
    post_form(client, "/console/resources", f"/console/resources/{entry_id}/layer",
              {"layer": "basic"})
    with session_scope() as s:
        assert s.get(AidResource, entry_id).layer == "basic"
        assert s.scalar(select(AuditEntry).where(AuditEntry.subject_type == "aid_resource",
                                                 AuditEntry.subject_id == entry_id))
    page = client.get("/console/resources").get_data(as_text=True)
    row = page[page.index("<tr><td>就业帮扶"):]
    row = row[:row.index("</tr>")]
    assert 'value="basic" selected' in row and "<td>低保</td>" in row


def test_the_household_chain_groups_requests_and_tier_decisions_by_layer(client, world):
    _, code, resident_id = _request(world, "medical")
    post_form(client, f"/console/residents/{resident_id}", f"/console/residents/{resident_id}/tier",
              {"tier": "dibao", "evidence_note": "低保证入户核对", "review_due": "2027-06-30"})
    page = client.get(f"/console/residents/{resident_id}").get_data(as_text=True)
    chain = page[page.index('id="chain-layers"'):]
    assert "基本生活救助</b>（1 项）" in chain and "核对认定：低保" in chain
    assert "专项救助·医疗</b>（1 项）" in chain and code in chain


def test_canteen_coverage_counts_elderly_homes_in_reach_and_buildings_outside(client, world):
    with session_scope() as s:
        here = world.here.id
        s.add(Canteen(code="CT-T", name="测试助餐点", community_id=here, address="测试路1号",
                      latitude=30.2700, longitude=120.1500, delivers=True,
                      delivery_radius_m=2000))
        s.add(Canteen(code="CT-W", name="只堂食助餐点", community_id=here, address="测试路9号",
                      latitude=30.2700, longitude=120.2000, delivers=False))
        for name, lat in (("近楼", 30.2710), ("远楼", 30.3000)):
            s.add(AddressBuilding(community_id=here, name=name, latitude=lat, longitude=120.15))
        for lat in (30.2710, 30.2800, 30.3000):  # 110 m, 1.1 km, 3.3 km from the first
            old = make_person(s, community=world.here, birth_date=date(1950, 5, 1))
            old.set_home_location(lat, 120.15)
        make_person(s, community=world.here, birth_date=date(1950, 5, 1))  # no location
        young = make_person(s, community=world.here, birth_date=date(1990, 5, 1))
        young.set_home_location(30.2710, 120.15)
    page = client.get(f"/console/canteens/coverage?community_id={here}").get_data(as_text=True)
    assert "家里有位置的<b>3 人</b>" in page
    assert "有助餐点覆盖<b>2 人（67%）</b>" in page
    assert "2000 米（送餐）" in page and "只堂食助餐点</td><td>1000 米" in page
    outside = page[page.index('id="buildings-outside"'):]
    assert "远楼" in outside and "近楼" not in outside
    assert "没有位置，不在统计里" in page
    with session_scope() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.subject_type == "community",
                                                 AuditEntry.subject_id == here))


def test_county_staff_change_the_rule_audited_and_new_requests_follow_it(app, client, world):
    page = client.get("/console/layers").get_data(as_text=True)
    assert "《关于改革完善社会救助制度的意见》" in page and "规则由县级工作人员调整" in page
    refused = post_form(client, "/console/layers", "/console/layers",
                        {"rule_key": "category:other", "layer": "basic"})
    assert refused.status_code == 403
    with session_scope() as s:
        create_staff_account(s, person_id=world.supervisor.id, username="county",
                             password="pass-2026-county")
    county = app.test_client()  # the county staff member's own browser
    login(county, "county", "pass-2026-county")
    changed = post_form(county, "/console/layers", "/console/layers",
                        {"rule_key": "category:other", "layer": "basic"})
    assert changed.status_code == 302
    page = county.get("/console/layers").get_data(as_text=True)
    assert "已调整" in page
    bad = post_form(county, "/console/layers", "/console/layers",
                    {"rule_key": "category:nothing", "layer": "basic"})
    assert bad.status_code == 400
    made_id, _, _ = _request(world, "other", text="说不清的困难")
    with session_scope() as s:
        assert s.get(HelpRequest, made_id).layer == "basic"
        entry = s.scalar(select(AuditEntry).where(AuditEntry.subject_type == "layer_rule"))
        assert entry.actor_id == world.supervisor.id
        assert entry.detail == {"rule": "category:other", "from": "emergency", "to": "basic"}

"""The staff console over HTTP: sign-in, lockout, cookies, CSRF, scope, pages and audited exports."""

import re

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.audit import AuditEntry
from models.console import TierDecision
from models.monitoring import RiskAlert
from models.person import Person
from services.messaging import alerts
from services.people.persons import revoke_role
from tests.console_client import csrf_from, login, post_form

pytestmark = pytest.mark.e2e


def _emergency_for(person_id: int) -> int:
    with session_scope() as s:
        person = s.get(Person, person_id)
        return alerts.raise_alert(s, kind="emergency", level="critical", summary="老人说摔倒了",
                                  dedupe_key=f"test:em:{person_id}", person_id=person.id,
                                  community_id=person.community_id).id


def test_strangers_are_sent_to_sign_in_and_the_session_cookie_is_locked_down(client, demo_people):
    page = client.get("/console/alerts")
    assert page.status_code == 302 and page.headers["Location"].startswith("/console/login")
    response = login(client)
    assert response.status_code == 302 and response.headers["Location"] == "/console/"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("linli_console="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/console" in cookie
    home = client.get("/console/")
    assert home.status_code == 200 and "阳光社区 · 工作台" in home.get_data(as_text=True)


def test_five_wrong_passwords_stop_that_username_from_that_address_for_fifteen_minutes(
        client, demo_people, frozen_clock):
    for _attempt in range(4):
        page = login(client, password="wrong-password").get_data(as_text=True)
        assert "用户名或密码不对。" in page and "再试" not in page
    assert "尝试次数太多，请15分钟后再试" in login(client, password="wrong-password").get_data(as_text=True)
    refused = login(client)
    assert refused.status_code == 200 and "尝试次数太多" in refused.get_data(as_text=True)
    frozen_clock.advance(minutes=16)
    assert login(client).status_code == 302


def test_unknown_user_and_outside_next_are_refused(client, demo_people):
    assert "用户名或密码不对" in login(client, username="nobody").get_data(as_text=True)
    page = client.get("/console/login?next=//evil.example/x")
    token = csrf_from(page.get_data(as_text=True))
    response = client.post("/console/login", data={"username": "liu", "password": "linli-liu-2026",
                                                   "csrf_token": token, "next": "//evil.example/x"})
    assert response.headers["Location"] == "/console/"


def test_a_post_without_the_csrf_token_changes_nothing(client, demo_people):
    alert_id = _emergency_for(demo_people["demo_elder_wang"])
    login(client)
    refused = client.post(f"/console/alerts/{alert_id}/ack", data={"note": "x"})
    assert refused.status_code == 403 and "页面已过期" in refused.get_data(as_text=True)
    forged = client.post(f"/console/alerts/{alert_id}/ack", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    with session_scope() as s:
        assert s.get(RiskAlert, alert_id).status == "open"


def test_acknowledging_an_alert_from_the_queue(client, demo_people):
    alert_id = _emergency_for(demo_people["demo_elder_wang"])
    login(client)
    queue = client.get("/console/alerts").get_data(as_text=True)
    assert "老人说摔倒了" in queue and "紧急" in queue and "王**" in queue
    done = post_form(client, "/console/alerts", f"/console/alerts/{alert_id}/ack",
                     {"note": "已电话联系家属"})
    assert done.status_code == 302
    assert "已确认预警：老人说摔倒了" in client.get("/console/alerts").get_data(as_text=True)
    with session_scope() as s:
        alert = s.get(RiskAlert, alert_id)
        assert alert.status == "acknowledged" and alert.note == "已电话联系家属"
        assert alert.acknowledged_by_id == demo_people["demo_staff_liu"]


def test_verifying_a_tier_from_the_resident_page(client, demo_people, frozen_clock):
    li = demo_people["demo_family_wang"]
    login(client)
    page = f"/console/residents/{li}"
    saved = post_form(client, page, f"/console/residents/{li}/tier", {
        "tier": "dibao_edge", "evidence_note": "收入核对表 2026-11", "review_due": "2027-05-29"})
    assert saved.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "已记录核对结果：低保边缘" in html and "收入核对表 2026-11" in html
    with session_scope() as s:
        person = s.get(Person, li)
        assert person.economic_tier == "dibao_edge" and person.tier_verified_by_id is not None
        assert s.scalar(select(TierDecision.tier).where(TierDecision.person_id == li)) == "dibao_edge"
    missing = post_form(client, page, f"/console/residents/{li}/tier",
                        {"tier": "dibao", "evidence_note": "依据"})
    assert missing.status_code == 400 and "请填写下次复核日期" in missing.get_data(as_text=True)


def test_staff_of_another_community_see_none_of_its_people(client, demo_people):
    wang = demo_people["demo_elder_wang"]
    alert_id = _emergency_for(wang)
    login(client, username="chen", password="linli-chen-2026")
    assert client.get(f"/console/residents/{wang}").status_code == 404
    assert "王**" not in client.get("/console/residents?q=王秀英").get_data(as_text=True)
    assert "老人说摔倒了" not in client.get("/console/alerts").get_data(as_text=True)
    assert post_form(client, "/console/alerts", f"/console/alerts/{alert_id}/ack",
                     {}).status_code == 404
    assert client.get("/console/monitoring?community_id=1").status_code == 404


def test_a_person_who_is_no_longer_staff_opens_no_page(client, demo_people, token_for):
    login(client)
    with session_scope() as s:
        revoke_role(s, person=s.get(Person, demo_people["demo_staff_liu"]), role="staff")
    assert client.get("/console/").status_code == 403
    assert login(client).status_code == 200  # the sign-in page again: account no longer usable
    bearer = {"Authorization": f"Bearer {token_for(demo_people['demo_volunteer_zhang'])}"}
    assert client.get("/console/residents", headers=bearer).status_code == 302


def test_resident_page_and_exports_are_audited(client, demo_people):
    wang = demo_people["demo_elder_wang"]
    login(client)
    assert "阳光社区3号楼2单元101" in client.get(f"/console/residents/{wang}?full=1").get_data(as_text=True)
    export = client.get("/console/export/tiers-due.csv?community_id=1")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    with session_scope() as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        actions = {(e.action, e.subject_type) for e in entries
                   if e.actor_id == demo_people["demo_staff_liu"]}
    assert {("read", "person"), ("read", "household"), ("export", "person")} <= actions


def test_exports_neutralise_formulas_and_mask_names(client, demo_people):
    wang = demo_people["demo_elder_wang"]
    with session_scope() as s:
        person = s.get(Person, wang)
        alerts.raise_alert(s, kind="volunteer_concern", level="high", summary="=HYPERLINK(1)",
                           dedupe_key="test:csv", person_id=wang, community_id=person.community_id)
    login(client)
    text = client.get("/console/export/alerts.csv").get_data(as_text=True)
    assert text.startswith("\ufeff级别") and "'=HYPERLINK(1)" in text and "王**" in text
    assert "王秀英" not in text


def test_dashboard_draws_charts_inline_without_external_requests(client, demo_people):
    login(client)
    html = client.get("/console/").get_data(as_text=True)
    assert html.count("<svg class=\"chart\"") == 6
    assert "每月求助（按类别）" in html and "每月助餐补贴" in html and "每月求助（按救助层级）" in html
    external = [u for u in re.findall(r'(?:src|href)="([^"]+)"', html) if "//" in u]
    assert external == []

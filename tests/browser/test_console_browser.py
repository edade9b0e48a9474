"""The console in real Chromium: sign in, acknowledge an emergency, move a request, verify a tier."""

from datetime import timedelta

import pytest

from core import clock
from core.db import session_scope
from models.help_requests import HelpRequest
from models.monitoring import RiskAlert
from models.person import Person
from models.region import Community
from services.help_requests import submit_help_request
from tests.browser.conftest import shoot, sign_in
from tests.console_data import make_booking, make_canteen, make_service_record

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _emergency(demo_people: dict[str, int]) -> tuple[int, int]:
    with session_scope() as s:
        elder = s.get(Person, demo_people["demo_elder_wang"])
        made = submit_help_request(s, actor=elder, category="living", urgency="emergency",
                                   description="在家摔倒了，起不来", channel="miniprogram")
        return made.id, made.alert_id


def _activity(demo_people: dict[str, int]) -> None:
    with session_scope() as s:
        elder = s.get(Person, demo_people["demo_elder_wang"])
        volunteer = s.get(Person, demo_people["demo_volunteer_zhang"])
        canteen = make_canteen(s, community=s.get(Community, elder.community_id))
        for back in range(0, 150, 3):
            make_booking(s, person=elder, canteen=canteen,
                         day=clock.today() - timedelta(days=back))
        for back in range(0, 150, 20):
            make_service_record(s, volunteer=volunteer, beneficiary=elder, minutes=60 + back,
                                day=clock.today() - timedelta(days=back))


def test_sign_in_and_acknowledge_an_emergency(page, demo_people):
    _, alert_id = _emergency(demo_people)
    page.goto("/console/login")
    shoot(page, "01-login")
    sign_in(page)
    page.click("nav >> text=预警")
    row = page.locator("tr", has_text="紧急求助")
    row.locator("input[name=note]").fill("已电话联系，家属正赶去")
    shoot(page, "02-alert-queue")
    row.locator("button", has_text="确认收到").click()
    page.wait_for_selector(".flash")
    assert "已确认预警" in page.inner_text(".flash")
    with session_scope() as s:
        assert s.get(RiskAlert, alert_id).status == "acknowledged"


def test_move_a_request_through_its_states(page, demo_people):
    request_id, _ = _emergency(demo_people)
    sign_in(page)
    page.goto(f"/console/requests/{request_id}")
    for to, organisation in (("accepted", None), ("assigned", "示范县民政局"),
                             ("in_progress", None), ("resolved", None), ("closed", None)):
        page.select_option("#to", to)
        if organisation:
            page.select_option("#organisation_id", label=organisation)
        page.fill("#note", f"步骤 {to}")
        page.click("#move-form button[type=submit]")
        page.wait_for_selector(".flash")
    assert "这条求助已经结束" in page.inner_text("main")
    assert page.locator("ul.timeline li").count() >= 6
    shoot(page, "03-request-timeline")
    with session_scope() as s:
        assert s.get(HelpRequest, request_id).status == "closed"
    page.goto("/console/requests")
    shoot(page, "04-request-queue")


def test_verify_a_tier_and_see_the_household_chain(page, demo_people):
    _activity(demo_people)
    wang = demo_people["demo_elder_wang"]
    sign_in(page)
    page.click("nav >> text=居民")
    page.fill("#q", "13800138001")
    page.click("form.filters >> button")
    page.click("text=王**")
    page.select_option("#tier", "tekun")
    page.fill("#evidence_note", "特困供养证 2026-088，入户核对")
    page.fill("#review_due", "2027-06-30")
    page.click("text=保存核对结果")
    page.wait_for_selector(".flash")
    assert "特困" in page.inner_text(".flash")
    assert "特困供养证 2026-088" in page.inner_text("main")
    shoot(page, "05-resident-tier")
    with session_scope() as s:
        person = s.get(Person, wang)
        assert person.economic_tier == "tekun" and str(person.tier_review_due) == "2027-06-30"


def test_dashboard_and_monitoring_on_a_tablet(chromium, live_server, demo_people):
    _activity(demo_people)
    _emergency(demo_people)
    context = chromium.new_context(viewport={"width": 820, "height": 1180}, locale="zh-CN",
                                   base_url=live_server, has_touch=True, is_mobile=True)
    tab = context.new_page()
    try:
        sign_in(tab)
        assert tab.locator("svg.chart").count() == 6  # by category, by layer, meals, subsidy, volunteer hours, status
        shoot(tab, "06-dashboard-tablet")
        tab.goto("/console/monitoring")
        assert "紧急" in tab.inner_text("table")
        shoot(tab, "07-monitoring-tablet")
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 820, "the page should not scroll sideways on a tablet"
    finally:
        context.close()

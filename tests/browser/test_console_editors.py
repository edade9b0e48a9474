"""The editors in Chromium: a routing rule, a subsidy change from a day, a household."""

from datetime import timedelta

import pytest

from core import clock
from tests.browser.conftest import shoot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_supervisor_changes_a_subsidy_and_a_route(page, demo_people):
    sign_in(page, "zhao", "linli-zhao-2026")
    page.click("header nav >> text=规则")
    page.wait_for_url("**/console/rules")
    page.select_option("#route_category", label="住房")
    page.select_option("#route_org", label="示范县慈善总会")
    page.click("#route-form button")
    page.wait_for_selector(".flash")
    assert "全县的住房求助 → 示范县慈善总会" in page.inner_text("ul.rules")
    later = clock.today() + timedelta(days=3)
    row = page.locator("form.subsidy-change").first
    row.locator("input[name=amount_yuan]").fill("9")
    row.locator("input[name=cap_yuan]").fill("300")
    row.locator("input[name=from_day]").fill(later.isoformat())
    row.locator("button").click()
    page.wait_for_selector(".flash")
    assert "之前订的餐不变" in page.inner_text(".flash")
    assert f"{later:%Y-%m-%d} 至 现在" in page.inner_text("table")
    shoot(page, "console-rules")


def test_staff_add_a_family_member_to_a_household(page, demo_people):
    sign_in(page)
    page.goto(f"/console/residents/{demo_people['demo_elder_wang']}")
    page.fill("#member_phone", "13800138003")
    page.click("#household-add button")
    page.wait_for_selector(".flash")
    card = page.inner_text("#household")
    assert "户主" in card and "设为户主" in card
    shoot(page, "console-household")

"""The console in real Chromium: a household from its signals to a verified tier (核对)."""

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.assistance import HouseholdCheck
from models.person import Person
from tests.browser.conftest import shoot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_the_demo_household_goes_from_its_signals_to_a_verified_tier(page, demo_people):
    li, liu = demo_people["demo_elder_li"], demo_people["demo_elder_liu"]
    sign_in(page, "chen", "linli-chen-2026")
    page.click("nav >> text=家庭监测")
    table = page.inner_text("#household-risks")
    assert "李**" in table and "人均月收入750元，低于低保标准1150元" in table
    assert "刘**患重病" in table and "刚性支出过大" in table
    shoot(page, "07-household-risk")
    page.click("#household-risks >> text=家庭经济状况核对")
    assert "低保标准每人每月1150.00元" in page.inner_text("#line")
    page.fill(f"#m{li}_pension", "1500")
    page.fill(f"#m{liu}_pension", "300")
    page.fill(f"#m{liu}_medical", "18000")
    page.check(f"input[name=m{liu}_serious_illness]")
    page.click("text=计算人均收入并给出建议")
    page.wait_for_selector(".flash")
    assert "人均月收入900元，低于低保标准1150元" in page.inner_text(".flash")
    with session_scope() as s:
        newest = max(s.scalars(select(HouseholdCheck.id).where(HouseholdCheck.household_id == li)))
    card = f"#check-{newest}"
    assert page.inner_text(f"{card} .proposal") == "低保"
    shoot(page, "08-household-check")
    page.click(f"{card} >> text=确认核对结果")
    page.wait_for_selector(".flash")
    assert "已记录核对结果：低保，下次复核日期2027年11月29日" in page.inner_text(".flash")
    with session_scope() as s:
        assert {s.get(Person, i).economic_tier for i in (li, liu)} == {"dibao"}
    page.click("nav >> text=家庭监测")
    table = page.inner_text("#household-risks")
    assert "低于低保标准" not in table and "刘**患重病" in table

"""The address book in real Chromium: import a CSV, locate an unlocated home, the icon loads."""

import pytest

from core.db import session_scope
from models.person import Person
from services.people import profile
from services.people.consents import give_consent
from tests.browser.conftest import shoot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _unlocated(address: str, neighbour: int) -> int:
    with session_scope() as s:
        person = Person(oa_openid="oBrowserUnlocated0001", community_id=s.get(Person, neighbour).community_id)
        person.set_name("赵淑华")
        s.add(person)
        s.flush()
        give_consent(s, person=person, scope="sensitive_profile")
        profile.update_profile(s, person=person, changes={"address": address})
        return person.id


BOOK = "社区,楼栋,别名,纬度,经度\n阳光社区,7号楼,七栋、七号楼,30.2760,120.1574\n阳光社区,8号楼,,北纬,120.1\n"


def test_import_the_missing_building_then_locate_the_home_that_named_it(page, demo_people, tmp_path):
    sun = demo_people["demo_help_sun"]  # 阳光社区7号楼1单元202: not in the demo book
    other = _unlocated("幸福里小区8号院", demo_people["demo_elder_wang"])
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    sign_in(page)
    assert "刘社工" in page.inner_text("header")
    page.click("nav >> text=地址簿")
    assert "阳光社区7号楼1单元202" in page.inner_text("#unlocated + p + div")
    book = tmp_path / "book.csv"
    book.write_text(BOOK, encoding="utf-8")
    page.set_input_files("#file", str(book))
    page.click("button:has-text(\"导入\")")
    page.wait_for_selector("[role=status]")
    report = page.inner_text("[role=status]")
    assert "新增 1 栋" in report and "第3行：纬度“北纬”" in report
    assert "又为 1 位居民找到了家的位置" in report
    assert "阳光社区7号楼1单元202" not in page.inner_text("main")
    with session_scope() as s:
        assert s.get(Person, sun).home_lat_lng == (30.276, 120.1574)
    shoot(page, "08-address-book")
    row = page.locator("tr", has_text="幸福里小区8号院")
    row.locator("input[name=latitude]").fill("30.2752")
    row.locator("input[name=longitude]").fill("120.1566")
    row.locator("button", has_text="保存").click()
    page.wait_for_selector(".flash")
    assert "家的位置已保存" in page.inner_text(".flash")
    with session_scope() as s:
        assert s.get(Person, other).home_source == "staff"
    icon = page.evaluate("document.querySelector('link[rel=icon]').href")
    assert page.request.get(icon).ok
    assert failed == []

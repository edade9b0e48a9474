"""Every console export downloads in Chromium under its Chinese name, with its rows."""

import csv
from pathlib import Path
from typing import Any

import pytest

from core import clock
from core.db import session_scope
from models.person import Person
from models.region import Community
from services.help_requests import submit_help_request
from tests.browser.conftest import sign_in
from tests.console_data import make_booking, make_canteen

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _download(tab: Any, link: str) -> tuple[str, list[list[str]]]:
    with tab.expect_download() as caught:
        tab.click(link)
    download = caught.value
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    return download.suggested_filename, list(csv.reader(text.splitlines()))


def _data(demo_people: dict[str, int]) -> str:
    with session_scope() as s:
        elder = s.get(Person, demo_people["demo_elder_wang"])
        submit_help_request(s, actor=elder, category="living", urgency="emergency",
                            description="在家摔倒了，起不来", channel="miniprogram")
        canteen = make_canteen(s, community=s.get(Community, elder.community_id))
        make_booking(s, person=elder, canteen=canteen, day=clock.today())
        return canteen.name


def test_each_export_downloads_with_its_name_and_rows(page, demo_people):
    canteen = _data(demo_people)
    sign_in(page)
    stamp = clock.local_now().strftime("%Y%m%d")

    page.goto("/console/")
    name, rows = _download(page, "text=求助台账 CSV")
    assert name == f"求助台账-{stamp}.csv"
    assert rows[0][:4] == ["编号", "类别", "紧急程度", "状态"]
    assert any(r[2] == "紧急" and r[4].startswith("王") for r in rows[1:])

    name, rows = _download(page, "text=监测名单 CSV")
    assert name == f"动态监测名单-{stamp}.csv" and rows[0] == ["排序", "级别", "居民", "预警原因"]

    page.goto("/console/alerts")
    name, rows = _download(page, "text=导出 CSV")
    assert name == f"预警清单-{stamp}.csv"
    assert any(r[0] == "紧急" for r in rows[1:])

    page.goto("/console/tiers/due")
    name, rows = _download(page, "text=导出复核名单 CSV")
    assert name == f"认定复核名单-{stamp}.csv" and rows[0] == ["居民", "认定", "复核日期"]

    page.goto("/console/canteens")
    month = clock.today().strftime("%Y-%m")
    row = page.locator("tr", has_text=canteen)
    with page.expect_download() as caught:
        row.locator(f"text={month} 结算 CSV").click()
    text = Path(caught.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    assert caught.value.suggested_filename.startswith("助餐结算-")
    assert rows[0] == ["助餐点", canteen, "月份", month]
    assert rows[-1][0] == "合计" and "1" in rows[-1][1:]

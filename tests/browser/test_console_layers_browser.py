"""In Chromium: the queue by layer, a referral to a fitting resource in one click, canteen coverage."""

import re

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.help_requests import HelpRequest
from tests.browser.conftest import shoot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_staff_find_special_requests_refer_one_in_a_click_and_read_coverage(page, demo_people):
    sign_in(page, "chen", "linli-chen-2026")
    page.goto("/console/requests")
    page.click("#open-by-layer >> text=专项救助·医疗")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1 and all("专项救助·医疗" in t for t in rows.all_inner_texts())
    with session_scope() as s:
        medical = s.scalar(select(HelpRequest).where(HelpRequest.source_key == "demo:help:2"))
        made_id, code = medical.id, medical.code
    page.click(f"text={code}")
    matches = page.inner_text("#matches")
    assert "和睦社区陪诊服务" in matches and "本社区" in matches
    assert "暖心慈善冠名基金" not in matches  # for verified 低保/特困/… households only
    shoot(page, "request_matches")
    page.click("#matches li:has-text('和睦社区陪诊服务') >> text=转介到这个资源")
    page.wait_for_selector(".flash")
    assert "已转介" in page.inner_text(".flash")
    assert "转介资源：和睦社区陪诊服务" in page.inner_text("ul.timeline")
    with session_scope() as s:
        assert s.get(HelpRequest, made_id).status == "referred"

    page.goto("/console/canteens")
    page.click("text=看老人覆盖情况")
    totals = page.inner_text("#coverage-totals")
    elderly, located, reached = (int(n) for n in re.findall(r"(\d+) 人", totals)[:3])
    assert elderly >= located >= reached and located > 0
    assert page.locator("#coverage-canteens tbody tr").count() >= 1
    shoot(page, "canteen_coverage")

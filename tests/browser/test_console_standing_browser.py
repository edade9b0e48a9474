"""The console in real Chromium: staff set up, pause and end an elder's standing order."""

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.standing import StandingOrder
from tests.browser.conftest import shoot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_set_up_pause_and_end_a_standing_order_for_an_elder(page, demo_people):
    wang = demo_people["demo_elder_wang"]
    sign_in(page)
    page.goto(f"/console/residents/{wang}")
    page.click("text=查看、设置或暂停")
    assert "还没有长期订餐" in page.inner_text("main")
    page.select_option("#meal", "dinner")
    page.select_option("#days", "weekly")
    page.fill("#weekdays", "135")
    page.select_option("#delivery", "yes")
    page.fill("#note", "少盐")
    page.click("text=设好")
    page.wait_for_selector(".flash")
    main = page.inner_text("main")
    assert "已设好长期订餐" in page.inner_text(".flash")
    assert "每周一、三、五晚餐 1份 送餐上门（阳光社区助餐点），从11月30日（明天）起。" in main
    assert "接下来会订：11月30日（明天）、12月2日（周三）、12月4日（周五）" in main and "少盐" in main
    shoot(page, "06-standing-order")
    page.fill("input[name=from_date]", "2026-11-30")
    page.fill("input[name=to_date]", "2026-12-06")
    page.click("button:has-text('暂停')")
    page.wait_for_selector(".flash")
    assert "暂停：11月30日（明天）到12月6日（周日），12月7日（周一）起照常订。" in page.inner_text("main")
    page.click("text=停掉这个长期订餐")
    page.wait_for_selector(".flash")
    assert "已停掉长期订餐" in page.inner_text(".flash")
    with session_scope() as s:
        order = s.scalars(select(StandingOrder).where(StandingOrder.person_id == wang)).one()
        assert (order.status, order.days, order.channel) == ("ended", "135", "console")

"""In Chromium: a county officer records a donation to the demo fund, then files a batch and
downloads it; a charity admin sees their fund beside their referrals."""

import csv
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.funds import CharityFund
from services import funds
from tests.browser.conftest import shoot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_donation_then_a_filing_batch_downloaded(page, demo_people):
    with session_scope() as s:
        fund_id = s.scalars(select(CharityFund.id).where(CharityFund.code == "AXZC")).one()
        funds.pay_fund_project(s, actor=None, fund_id=fund_id, title="重阳节助浴服务",
                               amount_fen=300_00, paid_on=date(2026, 11, 28))
    sign_in(page, "zhao", "linli-zhao-2026")
    page.click("nav >> text=慈善基金")
    page.click("text=爱心助餐专项基金")
    page.fill("#donor_name", "王爱心")
    page.fill("#donation_amount", "200")
    page.fill("#received_on", "2026-11-28")
    page.click("#donation-add button[type=submit]")
    totals = page.inner_text("#fund-totals")
    assert "共收到捐款 5200.00元" in totals and "结余 4900.00元" in totals
    assert "王**" in page.content() and "王爱心" not in page.content()
    shoot(page, "console-fund")

    page.click("nav >> text=报送")
    page.fill("#since", "2026-11-01")
    page.click("#filing-export button[type=submit]")
    assert "已生成第1批" in page.content()
    with page.expect_download() as caught:
        page.click("#filing-batches >> text=下载")
    download = caught.value
    assert download.suggested_filename == "linli-filing-00001.csv"
    rows = list(csv.DictReader(Path(download.path()).read_text(encoding="utf-8-sig").splitlines()))
    assert any(r["来源"] == "基金项目" and r["金额（元）"] == "300.00" for r in rows)
    shoot(page, "console-filing")


def test_a_charity_admin_reaches_their_fund_from_the_menu(page, demo_people):
    sign_in_charity = page
    sign_in_charity.goto("/console/login")
    sign_in_charity.fill("#username", "zhou")
    sign_in_charity.fill("#password", "linli-zhou-2026")
    sign_in_charity.click("button[type=submit]")
    sign_in_charity.click("nav >> text=慈善基金")
    assert "爱心助餐专项基金" in sign_in_charity.content()
    assert "报送" not in sign_in_charity.inner_text("nav")

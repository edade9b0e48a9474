"""A charity's admin works its referrals in Chromium; staff ask the person first."""

import pytest
from sqlalchemy import select

from core.db import session_scope
from models.messaging import Notification
from models.person import Person
from models.region import Organisation
from services.help_requests import submit_help_request, transition_help_request
from services.help_requests.triage import Assignee
from services.people.consents import give_consent, withdraw_consent
from tests.browser.conftest import shoot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _request(demo_people: dict[str, int]) -> tuple[int, str]:
    with session_scope() as s:
        elder = s.get(Person, demo_people["demo_elder_wang"])
        made = submit_help_request(s, actor=elder, category="living", urgency="normal",
                                   description="冬天没有棉被", channel="miniprogram")
        return made.id, made.code


def test_staff_ask_the_elder_first_from_the_request_page(page, demo_people):
    made_id, code = _request(demo_people)
    sign_in(page)
    page.goto(f"/console/requests/{made_id}")
    page.click("#consent-form button")
    page.wait_for_selector(".flash")
    assert "已在公众号里问求助人" in page.inner_text(".flash")
    with session_scope() as s:
        [asked] = s.scalars(select(Notification).where(Notification.template == "charity_consent"))
        assert asked.person_id == demo_people["demo_elder_wang"] and code in asked.text


def test_a_charity_takes_a_referral_reports_the_result_and_loses_it_on_withdrawal(
        page, demo_people):
    made_id, code = _request(demo_people)
    with session_scope() as s:
        elder = s.get(Person, demo_people["demo_elder_wang"])
        give_consent(s, person=elder, scope="share_with_charity")
        charity = s.scalar(select(Organisation).where(Organisation.kind == "charity"))
        transition_help_request(s, actor=s.get(Person, demo_people["demo_staff_liu"]),
                                request_id=made_id, to="referred",
                                assignee=Assignee(organisation_id=charity.id))
    page.goto("/console/login")
    page.fill("#username", "zhou")
    page.fill("#password", "linli-zhou-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/console/referrals")
    nav = page.inner_text("header nav")
    assert "转介来的求助" in nav and "预警" not in nav and "居民" not in nav
    page.click(f"tr:has-text('{code}') >> text=查看")
    assert "冬天没有棉被" in page.inner_text("main")
    for choice, note in (("accepted", ""), ("in_progress", ""), ("resolved", "已送去两床棉被")):
        page.select_option("#to", choice)
        page.fill("#note", note)
        page.click("#referral-form button")
        page.wait_for_selector(".flash")
    assert "已送去两床棉被" in page.inner_text(".timeline")
    shoot(page, "charity-referral")
    with session_scope() as s:
        withdraw_consent(s, person=s.get(Person, demo_people["demo_elder_wang"]),
                         scope="share_with_charity")
    page.reload()
    text = page.inner_text("main")
    assert "冬天没有棉被" not in text and "没有找到这条求助" in text
    page.goto("/console/alerts")  # a staff page: the charity is sent back to its own
    page.wait_for_url("**/console/referrals")

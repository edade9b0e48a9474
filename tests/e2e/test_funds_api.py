"""Charity funds through the mini-program API and the console: a charity opens a fund, a donor
gives, county staff make it pay a meal subsidy, a brand-new elder books and cancels, and the
donor reads what the fund paid for."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from models.audit import AuditEntry
from models.meals import SubsidyRule
from models.region import Organisation
from tests.console_client import login, post_form
from tests.factories import make_person
from tests.meals_factories import make_canteen, make_elder

pytestmark = pytest.mark.e2e


@pytest.fixture
def auth(token_for):
    return lambda person_id: {"Authorization": f"Bearer {token_for(person_id)}"}


def _charity_id() -> int:
    with session_scope() as s:
        return s.scalars(select(Organisation.id).where(Organisation.code == "ORG-CS")).one()


def test_the_demo_fund_is_listed_with_its_donations_and_rule(client, demo_people, auth):
    listed = client.get("/api/v1/funds", headers=auth(demo_people["demo_charity_zhou"]))
    assert listed.status_code == 200
    [demo] = [f for f in listed.get_json()["items"] if f["code"] == "AXZC"]
    assert demo["balance_fen"] == 5000_00 and demo["kind_name"] == "专项基金"
    with session_scope() as s:
        rule = s.scalars(select(SubsidyRule).where(SubsidyRule.code == "AGE60_DISABLED_FUND")).one()
        assert rule.fund_id == demo["id"] and rule.amount_fen == 500


def test_a_fund_from_opening_to_the_report_its_donor_reads(client, demo_people, auth, frozen_clock):
    zhou = auth(demo_people["demo_charity_zhou"])
    with session_scope() as s:
        donor_id = make_person(s, name="林捐赠").id
        canteen = make_canteen(s, name="新村助餐点")
        elder_id = make_elder(s, age=68, disability=3, name="孙桂芝").id  # brand-new, disabled
        canteen_id = canteen.id
    opened = client.post("/api/v1/funds", headers=zhou, json={
        "organisation_id": _charity_id(), "code": "LINFUND", "name": "林氏冠名助老基金",
        "kind": "named", "purpose": "老人助餐"})
    assert opened.status_code == 201, opened.get_json()
    fund_id = opened.get_json()["id"]
    given = client.post(f"/api/v1/funds/{fund_id}/donations", headers=zhou, json={
        "donor_name": "林捐赠", "donor_person_id": donor_id, "amount_fen": 10_00,
        "received_on": clock.today().isoformat()})
    assert given.status_code == 201 and given.get_json()["balance_fen"] == 10_00
    stranger = client.post(f"/api/v1/funds/{fund_id}/donations",
                           headers=auth(demo_people["demo_elder_li"]),
                           json={"donor_name": "某人", "amount_fen": 100,
                                 "received_on": clock.today().isoformat()})
    assert stranger.status_code == 403

    tomorrow = clock.today() + timedelta(days=1)
    login(client, "zhao", "linli-zhao-2026")
    added = post_form(client, f"/console/funds/{fund_id}", f"/console/funds/{fund_id}/subsidy-rule", {
        "code": "LIN_DISABLED", "min_age": "60", "amount_yuan": "6", "cap_yuan": "180",
        "from_day": tomorrow.isoformat()})
    assert added.status_code == 302
    page = client.get(f"/console/funds/{fund_id}").get_data(as_text=True)
    assert "LIN_DISABLED：每餐6.00元" in page

    elder = auth(elder_id)
    lunch = {"canteen_id": canteen_id, "date": tomorrow.isoformat(), "meal": "lunch"}
    first = client.post("/api/v1/meal-bookings", headers=elder, json=lunch)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["subsidy_fen"] == 600 and "林氏冠名助老基金资助" in body["reason"]
    cancelled = client.post(f"/api/v1/meal-bookings/{body['id']}/cancel", headers=elder)
    assert cancelled.status_code == 200
    again = client.post("/api/v1/meal-bookings", headers=elder, json={**lunch, "meal": "dinner"})
    assert again.get_json()["subsidy_fen"] == 600  # the refund paid for it
    # 4元 left: less than one 6元 subsidy, so the next rule applies: the demo fund's 5元
    quote = client.post("/api/v1/meal-bookings/quote", headers=elder,
                        json={**lunch, "date": (tomorrow + timedelta(days=1)).isoformat()})
    assert quote.get_json()["subsidy_fen"] == 500
    assert "爱心助餐专项基金资助" in quote.get_json()["reason"]

    report = client.get(f"/api/v1/funds/{fund_id}/report", headers=auth(donor_id))
    assert report.status_code == 200
    got = report.get_json()
    assert (got["donated_fen"], got["meals_fen"], got["meals_count"], got["balance_fen"]) == (
        1000, 600, 1, 400)
    assert got["meals"] == [{"month": tomorrow.strftime("%Y-%m"), "canteen": "新村助餐点", "meals": 1,
                             "served": 0, "amount_fen": 600}]
    assert got["donations"][0]["donor"] == "林**" and "孙桂芝" not in report.get_data(as_text=True)
    assert got["summary"] == "林氏冠名助老基金共收到捐款10.00元，补贴助餐1餐共6.00元，资助项目0.00元，结余4.00元。"
    hidden = client.get(f"/api/v1/funds/{fund_id}/report", headers=auth(demo_people["demo_elder_li"]))
    assert hidden.status_code == 404 and "林氏" not in hidden.get_data(as_text=True)
    with session_scope() as s:
        actions = s.scalars(select(AuditEntry.action).where(
            AuditEntry.subject_type == "charity_fund", AuditEntry.subject_id == fund_id)).all()
        assert {"create", "donation"} <= set(actions)


def test_a_charity_admin_keeps_their_fund_in_the_console(client, demo_people):
    login(client, "zhou", "linli-zhou-2026")
    listed = client.get("/console/funds").get_data(as_text=True)
    assert "爱心助餐专项基金" in listed and "5000.00元" in listed
    with session_scope() as s:
        fund_id = s.scalar(select(SubsidyRule.fund_id).where(SubsidyRule.code == "AGE60_DISABLED_FUND"))
    paid = post_form(client, f"/console/funds/{fund_id}", f"/console/funds/{fund_id}/projects",
                     {"title": "重阳节助浴服务", "amount_yuan": "800", "paid_on": clock.today().isoformat()})
    assert paid.status_code == 302
    page = client.get(f"/console/funds/{fund_id}").get_data(as_text=True)
    assert "重阳节助浴服务" in page and "结余 <strong>4200.00元" in page
    too_much = post_form(client, f"/console/funds/{fund_id}", f"/console/funds/{fund_id}/projects",
                         {"title": "大项目", "amount_yuan": "99999", "paid_on": clock.today().isoformat()})
    assert too_much.status_code == 409 and "不够支付" in too_much.get_data(as_text=True)

"""What staff keep as data, edited in the console and the CLI: routing, subsidies, households."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from models.audit import AuditEntry
from models.meals import MealBooking, SubsidyRule
from models.person import Person
from models.region import Organisation
from services import meals
from services.help_requests import submit_help_request
from tests.console_client import login, post_form

pytestmark = pytest.mark.e2e


def _audited(subject_type):
    with session_scope() as s:
        return [(e.action, e.actor_id) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.subject_type == subject_type))]


def _org_id(name):
    with session_scope() as s:
        return s.scalar(select(Organisation.id).where(Organisation.name == name))


def test_staff_route_a_category_of_their_community_and_new_requests_follow(client, demo_people):
    login(client)
    charity = _org_id("示范县妇联")
    saved = post_form(client, "/console/rules", "/console/rules/routing",
                      {"community_id": "1", "category": "medical", "organisation_id": str(charity)})
    assert saved.status_code == 302
    page = client.get("/console/rules").get_data(as_text=True)
    assert "阳光社区的就医求助 → 示范县妇联" in page
    with session_scope() as s:
        elder = s.get(Person, demo_people["demo_elder_wang"])
        made = submit_help_request(s, actor=elder, category="medical", urgency="normal",
                                   description="想找人陪我去医院", channel="chat")
        assert made.organisation_id == charity
    assert ("change", demo_people["demo_staff_liu"]) in _audited("routing_rule")
    county = post_form(client, "/console/rules", "/console/rules/routing",
                       {"category": "medical", "organisation_id": str(charity)})
    assert county.status_code == 403 and "县级工作人员" in county.get_data(as_text=True)


def test_a_subsidy_change_applies_from_its_day_and_never_reprices_a_booking(client, app,
                                                                          demo_people):
    wang = demo_people["demo_elder_wang"]
    tomorrow, later = clock.today() + timedelta(days=1), clock.today() + timedelta(days=3)
    with session_scope() as s:
        elder = s.get(Person, wang)
        canteen = meals.default_canteen_for(s, person=elder)
        booked = meals.book_meal(s, actor=elder, person_id=wang, canteen_id=canteen.id,
                                 day=tomorrow, meal="lunch", count=1, delivery=False)
        before, rule_id, canteen_id = booked.subsidy_fen, booked.breakdown["rule_id"], canteen.id
    login(client)  # liu: a community's staff cannot change county policy
    refused = post_form(client, "/console/rules", f"/console/rules/subsidies/{rule_id}",
                        {"amount_yuan": "9", "cap_yuan": "300", "from_day": later.isoformat()})
    assert refused.status_code == 403
    client = app.test_client()
    login(client, "zhao", "linli-zhao-2026")
    past = post_form(client, "/console/rules", f"/console/rules/subsidies/{rule_id}",
                     {"amount_yuan": "9", "cap_yuan": "300", "from_day": clock.today().isoformat()})
    assert past.status_code == 400 and "已经订的餐不变" in past.get_data(as_text=True)
    changed = post_form(client, "/console/rules", f"/console/rules/subsidies/{rule_id}",
                        {"amount_yuan": "9", "cap_yuan": "300", "from_day": later.isoformat()})
    assert changed.status_code == 302
    with session_scope() as s:
        elder = s.get(Person, wang)
        assert s.get(MealBooking, booked.id).subsidy_fen == before
        quote = lambda day: meals.quote_meal(s, actor=elder, person_id=wang,  # noqa: E731
                                             canteen_id=canteen_id, day=day, meal="lunch",
                                             count=1, delivery=False)
        assert quote(tomorrow + timedelta(days=1)).subsidy_fen == before
        assert quote(later).subsidy_fen == min(900, quote(later).price_fen)
        old, new = s.get(SubsidyRule, rule_id), s.scalar(
            select(SubsidyRule).where(SubsidyRule.code.like("%@%")))
        assert old.valid_to == later - timedelta(days=1) and new.valid_from == later
    assert ("change", demo_people["demo_supervisor_zhao"]) in _audited("subsidy_rule")
    page = client.get("/console/rules").get_data(as_text=True)
    eve = later - timedelta(days=1)
    assert f"{later:%Y-%m-%d} 至 现在" in page and f"{eve.month}月{eve.day}日以后停用" in page


def test_staff_link_a_household_name_its_head_and_see_one_chain(client, demo_people):
    wang, son = demo_people["demo_elder_wang"], demo_people["demo_family_wang"]
    login(client)
    added = post_form(client, f"/console/residents/{wang}",
                      f"/console/residents/{wang}/household", {"phone": "13800138003"})
    assert added.status_code == 302
    page = client.get(f"/console/residents/{wang}").get_data(as_text=True)
    assert page.count('class="tag">户主</span>') == 1 and "设为户主" in page
    with session_scope() as s:
        assert s.get(Person, son).household_id == s.get(Person, wang).household_id == wang
    post_form(client, f"/console/residents/{son}", f"/console/residents/{son}/household/head", {})
    with session_scope() as s:
        assert s.get(Person, wang).household_id == son
    missing = post_form(client, f"/console/residents/{wang}",
                        f"/console/residents/{wang}/household", {"phone": "13900009999"})
    assert missing.status_code == 404 and "先让他在公众号或小程序登记" in missing.get_data(
        as_text=True)
    head_out = post_form(client, f"/console/residents/{wang}",
                         f"/console/residents/{son}/household/leave", {"back": str(wang)})
    assert head_out.status_code == 400 and "先把别人设为户主" in head_out.get_data(as_text=True)
    post_form(client, f"/console/residents/{wang}", f"/console/residents/{wang}/household/leave",
              {"back": str(wang)})
    with session_scope() as s:
        assert s.get(Person, wang).household_id is None and s.get(Person, son).household_id is None
    assert [a for a, _ in _audited("household") if a == "change"] == ["change"] * 3


def test_the_cli_edits_the_same_rules(make_app, sqlite_db, memory_kv, demo_people):
    cli = make_app(sqlite_db, memory_kv).test_cli_runner()
    saved = cli.invoke(args=["routing", "set", "--category", "housing", "--organisation", "ORG-CS"])
    assert saved.exit_code == 0, saved.output
    listed = cli.invoke(args=["routing", "list"])
    assert "全县的住房求助 → 示范县慈善总会" in listed.output
    linked = cli.invoke(args=["households", "link", "--head", "13800138001",
                              "--member", "13800138003"])
    assert linked.exit_code == 0, linked.output
    bad = cli.invoke(args=["subsidies", "change", "1", "--amount-fen", "900", "--cap-fen", "100",
                           "--from", "2027-01-01"])
    assert bad.exit_code == 1 and "每月上限不能少于每餐补贴" in bad.output
    with session_scope() as s:
        assert s.get(Person, demo_people["demo_family_wang"]).household_id == demo_people[
            "demo_elder_wang"]

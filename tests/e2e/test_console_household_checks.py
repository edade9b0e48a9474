"""家庭经济状况核对 and household monitoring in the console, from a brand-new household."""

from datetime import date

import pytest
from sqlalchemy import select, text

from core import clock
from core.db import session_scope
from models.assistance import HouseholdCheck
from models.audit import AuditEntry
from models.console import TierDecision
from models.messaging import Notification
from models.monitoring import RiskAlert
from models.person import Person
from models.region import Community
from services.monitoring import household_warnings
from services.people.households import link_to_household
from tests.console_client import login, post_form
from tests.factories import make_person

pytestmark = pytest.mark.e2e


def _new_household(demo_people, *, alone_age_80=False):
    """A couple in 阳光社区 (staff 刘社工's community), not in the demo data."""
    with session_scope() as s:
        community_id = s.get(Person, demo_people["demo_elder_wang"]).community_id
        here = s.get(Community, community_id)
        head = make_person(s, community=here, name="赵大山", birth_date=date(1950, 4, 1))
        wife = make_person(s, community=here, name="钱秀兰", birth_date=date(1953, 6, 1))
        link_to_household(s, actor=None, head_id=head.id, member_id=wife.id)
        return head.id, wife.id


def _check_form(head, wife, **extra):
    data = {f"m{head}_pension": "1300", f"m{wife}_wage": "", f"m{wife}_medical": "6000"}
    data.update(extra)
    return data


def test_a_household_is_measured_against_the_county_line_and_staff_confirm_the_tier(
        client, demo_people):
    head, wife = _new_household(demo_people)
    login(client)
    page = client.get(f"/console/residents/{head}/check").get_data(as_text=True)
    assert "低保标准每人每月1150.00元" in page and "赵**" in page and "钱**" in page
    made = post_form(client, f"/console/residents/{head}/check", f"/console/residents/{head}/check",
                     _check_form(head, wife))
    assert made.status_code == 302
    shown = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "人均月收入650元，低于低保标准1150元" in shown
    assert 'class="proposal">低保<' in shown
    with session_scope() as s:
        check = s.scalars(select(HouseholdCheck).where(HouseholdCheck.household_id == head)).one()
        check_id = check.id
        assert check.figures["per_capita_fen"] == 65000 and check.figures["members"] == 2
        raw = s.execute(text("SELECT amount, item FROM household_check_items")).all()
        assert raw and all("130000" not in (a or "") and "pension" not in i for a, i in raw)
    decided = post_form(client, f"/console/residents/{head}/check", f"/console/checks/{check_id}/decide",
                        {"tier": "dibao", "reason": ""})
    assert decided.status_code == 302
    flash = client.get(decided.headers["Location"]).get_data(as_text=True)
    assert "已记录核对结果：低保，下次复核日期2027年11月29日" in flash
    with session_scope() as s:
        for pid in (head, wife):
            person = s.get(Person, pid)
            assert person.economic_tier == "dibao" and person.tier_review_due == date(2027, 11, 29)
            decision = s.scalars(select(TierDecision).where(TierDecision.person_id == pid)).one()
            assert decision.check_id == check_id and "人均月收入650元" in decision.evidence_note
        assert s.get(HouseholdCheck, check_id).status == "confirmed"
        audited = {(e.subject_type, e.action) for e in s.scalars(select(AuditEntry))}
    assert {("household_check", "create"), ("household_check", "read"),
            ("household_check", "update"), ("person", "update")} <= audited


def test_choosing_another_tier_needs_a_reason_and_is_kept(client, demo_people):
    head, wife = _new_household(demo_people)
    login(client)
    post_form(client, f"/console/residents/{head}/check", f"/console/residents/{head}/check",
              _check_form(head, wife, **{f"m{head}_pension": "2600"}))
    with session_scope() as s:
        check = s.scalars(select(HouseholdCheck).where(HouseholdCheck.household_id == head)).one()
        check_id, proposed = check.id, check.proposed_tier
    assert proposed == "dibao_edge"  # 1300 a head: above the 1150 line, below the 1725 edge line
    refused = post_form(client, f"/console/residents/{head}/check",
                        f"/console/checks/{check_id}/decide", {"tier": "dibao"})
    assert refused.status_code == 400 and "请写明理由" in refused.get_data(as_text=True)
    kept = post_form(client, f"/console/residents/{head}/check", f"/console/checks/{check_id}/decide",
                     {"tier": "dibao", "reason": "老伴长期透析，入户核实"})
    assert kept.status_code == 302
    page = client.get(f"/console/residents/{head}/check").get_data(as_text=True)
    assert "改选，理由：老伴长期透析，入户核实" in page
    with session_scope() as s:
        assert s.get(HouseholdCheck, check_id).status == "overridden"
        assert s.get(Person, wife).economic_tier == "dibao"


def test_typing_words_for_an_amount_is_explained_not_a_crash(client, demo_people):
    head, wife = _new_household(demo_people)
    login(client)
    bad = post_form(client, f"/console/residents/{head}/check", f"/console/residents/{head}/check",
                    _check_form(head, wife, **{f"m{head}_pension": "一千三"}))
    assert bad.status_code == 400 and "养老金请填数字（元）" in bad.get_data(as_text=True)
    for typed in ("NaN", "-5", "Infinity", "99999999999"):
        odd = post_form(client, f"/console/residents/{head}/check", f"/console/residents/{head}/check",
                        _check_form(head, wife, **{f"m{wife}_medical": typed}))
        assert odd.status_code == 400 and "医疗自付金额不对" in odd.get_data(as_text=True), typed
    with session_scope() as s:
        assert head not in set(s.scalars(select(HouseholdCheck.household_id)))


def test_staff_of_another_community_cannot_see_or_check_the_household(client, demo_people):
    head, wife = _new_household(demo_people)
    login(client, "chen", "linli-chen-2026")
    assert client.get(f"/console/residents/{head}/check").status_code == 404


def test_a_new_signal_warns_the_community_once_and_the_list_ranks_the_household(
        client, demo_people):
    head, wife = _new_household(demo_people)
    login(client)
    post_form(client, f"/console/residents/{head}/check", f"/console/residents/{head}/check",
              _check_form(head, wife, **{f"m{wife}_serious_illness": "1"}))
    with session_scope() as s:
        first = household_warnings.raise_household_warnings(s, now=clock.now())
    with session_scope() as s:
        again = household_warnings.raise_household_warnings(s, now=clock.now())
        kinds = set(s.scalars(select(RiskAlert.kind).where(RiskAlert.subject_id == head)))
        told = list(s.scalars(select(Notification).where(
            Notification.template == "household_signal",
            Notification.person_id == demo_people["demo_staff_liu"])))
    assert first >= 2 and again == 0
    assert {"income_below_dibao", "serious_illness"} <= kinds
    assert any("赵**家" in n.text and "人均收入低于低保标准" in n.text for n in told)
    page = client.get("/console/households/risk").get_data(as_text=True)
    assert "赵**" in page and "家有重病成员" in page and "钱**患重病" in page
    assert "人均月收入650元，低于低保标准1150元" in page
    assert page.index("赵**") < page.index("王**")  # high risk before the demo elder's medium
    with session_scope() as s:
        check_id = s.scalars(select(HouseholdCheck.id).where(HouseholdCheck.household_id == head)).one()
    post_form(client, f"/console/residents/{head}/check", f"/console/checks/{check_id}/decide",
              {"tier": "dibao"})
    with session_scope() as s:
        household_warnings.raise_household_warnings(s, now=clock.now())
        income = s.scalars(select(RiskAlert).where(RiskAlert.kind == "income_below_dibao",
                                                   RiskAlert.subject_id == head)).one()
        assert income.status == "resolved"
    page = client.get("/console/households/risk").get_data(as_text=True)
    assert "低于低保标准1150元" not in page and "钱**患重病" in page


def test_a_supervisor_sets_next_years_line_and_a_rule_threshold_staff_only_read_them(
        client, demo_people):
    login(client, "zhao", "linli-zhao-2026")
    saved = post_form(client, "/console/assistance-lines", "/console/assistance-lines?community_id=1",
                      {"effective_from": "2027-01-01", "dibao_yuan": "1210", "edge_multiple_pct": "150",
                       "tekun_yuan": "1573", "asset_limit_months": "24", "rigid_share_pct": "50",
                       "source": "示范县民政局 2027年低保标准"})
    assert saved.status_code == 302
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "2027年1月1日起低保标准每人每月1210元" in page and "未生效" in page
    twice = post_form(client, "/console/assistance-lines", "/console/assistance-lines?community_id=1",
                      {"effective_from": "2027-01-01", "dibao_yuan": "1220", "tekun_yuan": "1580",
                       "source": "重复"})
    assert twice.status_code == 400 and "已经录过了" in twice.get_data(as_text=True)
    rule = post_form(client, "/console/households/risk", "/console/households/rules/elderly_alone",
                     {"level": "medium", "threshold": "90", "window_days": "0", "enabled": "true"})
    assert rule.status_code == 302
    risk = client.get("/console/households/risk").get_data(as_text=True)
    listed = risk.split("<h1>")[1].split("<h2>监测规则</h2>")[0]
    assert "已保存规则：高龄独居，阈值90" in risk and "高龄独居" not in listed  # 王秀英 is 84
    client = client.application.test_client()  # 刘社工, staff but no supervisor
    login(client)
    staff_page = client.get("/console/assistance-lines").get_data(as_text=True)
    assert "1210.00" in staff_page and "录入新标准" not in staff_page
    refused = post_form(client, "/console/households/risk", "/console/households/rules/elderly_alone",
                        {"level": "medium", "threshold": "60", "window_days": "0", "enabled": "true"})
    assert refused.status_code == 403

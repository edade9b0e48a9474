"""A household from a new signal to a verified tier to a filed record (issue 23), on the demo data."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from models.assistance import HouseholdCheck
from models.monitoring import RiskAlert
from models.person import Person
from services.assistance import filing, means_check
from services.help_requests import submit_help_request, transition_help_request
from services.monitoring.household_warnings import raise_household_warnings

pytestmark = pytest.mark.integration


def _alerts(s, person_ids):
    return sorted(a.kind for a in s.scalars(select(RiskAlert).where(
        RiskAlert.person_id.in_(person_ids), RiskAlert.status == "open")))


def test_the_li_household_goes_from_signals_to_a_verified_tier_to_a_filed_record(sqlite_db,
                                                                               demo_people,
                                                                               frozen_clock):
    li, chen = demo_people["demo_elder_li"], demo_people["demo_staff_chen"]
    with session_scope() as s:
        raise_household_warnings(s, now=clock.now())
        members = [p.id for p in s.scalars(select(Person).where(
            Person.household_id == s.get(Person, li).household_id))]
        before = _alerts(s, members)
    assert len(members) == 2 and "income_below_dibao" in before
    with session_scope() as s:
        staff = s.get(Person, chen)
        check = s.scalars(select(HouseholdCheck).where(HouseholdCheck.status == "proposed")).one()
        assert check.proposed_tier == "dibao"
        means_check.decide_check(s, actor=staff, check_id=check.id, tier="dibao")
        assert {s.get(Person, m).economic_tier for m in members} == {"dibao"}
        made = submit_help_request(s, actor=s.get(Person, li), category="medical",
                                   urgency="normal", description="想找人陪老伴去复查",
                                   channel="chat")
        for to in ("accepted", "in_progress", "resolved"):
            transition_help_request(s, actor=staff, request_id=made.id, to=to)
        code = made.code
    with session_scope() as s:
        raise_household_warnings(s, now=clock.now())
        after = _alerts(s, members)
    assert before == ["income_below_dibao", "rigid_expense", "serious_illness"]
    assert after == ["serious_illness"]  # income and spending now answered by the 低保 tier
    frozen_clock.advance(days=1)  # today's records are filed tomorrow
    with session_scope() as s:
        batch = filing.export_filing_batch(s, actor=None, since=clock.today() - timedelta(days=1))
        rows = list(csv.DictReader(io.StringIO(batch.content.lstrip("\ufeff"))))
        again = filing.export_filing_batch(s, actor=None, since=clock.today() - timedelta(days=1))
    [filed] = [r for r in rows if code in r.values()]
    assert (filed["户号"], filed["姓名"], filed["救助层级或类别"]) == (str(li), "李建国", "专项救助·医疗")
    assert again is None  # nothing is filed twice

"""Demo 核对 standards: the county's lines, and the Li household (two members) with its figures."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from models.assistance import AssistanceLine, HouseholdCheck
from models.person import Consent, Person
from models.region import County
from services.assistance import means_check
from services.demo.foundation import COUNTY
from services.people.persons import grant_role

# 示范县 is made up, and so are its figures: a real county publishes its own.
LINE = {"effective_from": date(2026, 1, 1), "dibao_month_fen": 115000, "edge_multiple_pct": 150,
        "tekun_month_fen": 149500, "asset_limit_months": 24, "rigid_share_pct": 50,
        "source": "示范县民政局 2026年城乡低保标准（演示数值）"}
SPOUSE_OPENID, SPOUSE_NAME, SPOUSE_PHONE = "demo_elder_liu", "刘桂兰", "13800138011"
SPOUSE_BIRTH = date(1954, 10, 2)


def _spouse(session: Session, head: Person) -> Person:
    person = session.scalar(select(Person).where(Person.oa_openid == SPOUSE_OPENID))
    if person is None:
        person = Person(oa_openid=SPOUSE_OPENID, mp_openid="mp_" + SPOUSE_OPENID,
                        community_id=head.community_id, birth_date=SPOUSE_BIRTH,
                        address=head.address)
        person.set_name(SPOUSE_NAME)
        person.set_phone(SPOUSE_PHONE)
        session.add(person)
        session.flush()
        for scope in ("privacy_policy", "sensitive_profile"):
            session.add(Consent(person_id=person.id, scope=scope, policy_version="2026-11",
                                channel="demo", granted_at=clock.now()))
        grant_role(session, person=person, role="resident")
    return person


def load(session: Session) -> dict[str, int]:
    """Store the county's lines and the Li household's proposed check (idempotent)."""
    county_id = session.scalar(select(County.id).where(County.code == COUNTY[0]))
    assert county_id is not None
    lines = 0
    if session.scalar(select(AssistanceLine.id).where(AssistanceLine.county_id == county_id)) is None:
        means_check.set_line(session, actor=None, county_id=county_id, **LINE)  # type: ignore[arg-type]
        lines = 1
    head = session.scalars(select(Person).where(Person.oa_openid == "demo_elder_li")).one()
    staff = session.scalars(select(Person).where(Person.oa_openid == "demo_staff_chen")).one()
    spouse = _spouse(session, head)
    # Set directly, not through link_to_household: demo data leaves no staff audit trail.
    head.household_id = spouse.household_id = head.id
    checks = 0
    if session.scalar(select(HouseholdCheck.id).where(HouseholdCheck.household_id == head.id)) is None:
        means_check.start_check(session, actor=staff, person_id=head.id, members=[
            means_check.MemberFacts(head.id, income={"pension": 150000}),
            means_check.MemberFacts(spouse.id, expenses={"medical": 1800000},
                                   situations=frozenset({"serious_illness"})),
        ])
        checks = 1
    return {"assistance_lines": lines, "household_checks": checks}

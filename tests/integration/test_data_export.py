"""Access (PIPL art. 45): the export holds every row of the person's, per table, and nobody else's."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import ForeignKey, or_, select
from sqlalchemy.orm import Session

from core import clock
from core.db import session_scope
from models.activities import ActivitySignup
from models.auth import ApiToken, IdempotencyRecord
from models.base import Base
from models.bot import InboundMessage
from models.channels import ServiceWindow, SubscribeCredit
from models.console import StaffAccount, TierDecision
from models.help_requests import HelpRequest
from models.meals import MealBooking
from models.messaging import Notification
from models.monitoring import RiskAlert
from models.person import Consent, Person, Proxy
from models.rights import ErasureRequest
from models.volunteers import Redemption, ServiceRecord, VolunteerProfile
from services.rights.export import NOT_SUBJECT, SOURCES, export_person_data
from services.volunteers.ledger import volunteer_account
from tests.factories import make_person
from tests.help_factories import submit
from tests.meals_factories import make_canteen
from tests.volunteer_factories import (
    make_activity,
    make_charity_admin,
    make_reward,
    make_volunteer,
)

pytestmark = pytest.mark.integration


def _person_columns() -> set[str]:
    """Every column of every table that points at a person (a foreign key, or named so)."""
    found = set()
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            fk: list[ForeignKey] = list(column.foreign_keys)
            if any(f.column.table.name == "persons" for f in fk) or column.name in ("openid",) \
                    or column.name.endswith("person_id"):
                found.add(f"{table.name}.{column.name}")
    return found


def test_every_person_column_is_exported_or_on_the_reviewed_list():
    subject = {f"{s.table}.{c}" for s in SOURCES for c in s.subject}
    person_columns = _person_columns() | {"persons.id"}
    missing = sorted(person_columns - subject - set(NOT_SUBJECT))
    assert missing == [], f"add these to services/rights/export.py SOURCES or NOT_SUBJECT: {missing}"
    stale = sorted((subject | set(NOT_SUBJECT)) - person_columns)
    assert stale == [], f"these no longer exist: {stale}"
    assert all(reason.strip() for reason in NOT_SUBJECT.values())


def _two(s: Session) -> tuple[Person, Person]:
    me = make_person(s, name="导出本人", phone="13700000001")
    other = make_person(s, name="别人", phone="13700000002")
    return me, other


def _inbound(s: Session, p: Person) -> int:
    row = InboundMessage(dedupe_key=f"k{p.id}", openid=p.oa_openid or "x", person_id=p.id,
                         msg_type="text", content=f"{p.name}的话", received_at=clock.now())
    s.add(row)
    s.flush()
    return row.id


def _add(s: Session, row: object) -> int:
    s.add(row)
    s.flush()
    return row.id  # type: ignore[attr-defined, no-any-return]


def _booking(s: Session, p: Person) -> int:
    canteen = make_canteen(s)
    return _add(s, MealBooking(person_id=p.id, canteen_id=canteen.id, day=clock.today(), meal="lunch",
                               count=1, price_fen=800, subsidy_fen=0, payable_fen=800, reason="无补贴",
                               booked_by_id=p.id, channel="chat"))


def _signup(s: Session, p: Person) -> int:
    from models.region import Community

    admin, org = make_charity_admin(s, community=s.get_one(Community, p.community_id))
    activity = make_activity(s, organisation=org, admin=admin)
    return _add(s, ActivitySignup(activity_id=activity.id, volunteer_id=p.id))




def _standing_order(s: Session, p: Person) -> int:
    from models.region import Community
    from services.meals.standing import create_standing_order
    from tests.meals_factories import make_canteen

    canteen = make_canteen(s, community=s.get_one(Community, p.community_id))
    return create_standing_order(s, actor=p, person_id=p.id, canteen_id=canteen.id, meal="lunch",
                                 days="135").id


def _household_check(s: Session, p: Person) -> object:
    from models.region import Community
    from services.assistance import means_check

    county_id = s.get_one(Community, p.community_id).street.county_id
    means_check.set_line(s, actor=None, county_id=county_id, effective_from=clock.today(),
                        dibao_month_fen=100000, edge_multiple_pct=150, tekun_month_fen=130000,
                        asset_limit_months=24, rigid_share_pct=50, source="测试")
    staff = make_person(s, roles=("staff",), community=s.get_one(Community, p.community_id))
    return means_check.start_check(s, actor=staff, person_id=p.id, members=[
        means_check.MemberFacts(p.id, income={"wage": 50000})])


def _donation(s: Session, p: Person) -> int:
    from models.region import Community
    from services.funds import create_fund, record_donation

    admin, org = make_charity_admin(s, community=s.get_one(Community, p.community_id))
    fund = create_fund(s, actor=admin, organisation_id=org.id, code=f"F{p.id}", name="助老基金",
                       kind="special")
    return record_donation(s, actor=admin, fund_id=fund.id, donor_name=p.name or "捐赠人",
                           amount_fen=100, received_on=clock.today(), donor_person_id=p.id).id


BUILD: dict[str, Callable[[Session, Person], object]] = {
    "persons": lambda s, p: p.id,
    "person_roles": lambda s, p: p.roles[0].id,
    "consents": lambda s, p: _add(s, Consent(person_id=p.id, scope="health", policy_version="v",
                                             channel="test", granted_at=clock.now())),
    "proxies": lambda s, p: _add(s, Proxy(principal_id=p.id, agent_id=make_person(s).id,
                                          status="invited", created_at=clock.now())),
    "meal_bookings": _booking,
    "help_requests": lambda s, p: submit(s, p, description=f"{p.name}求助").id,
    "service_records": lambda s, p: _add(s, ServiceRecord(
        volunteer_id=make_volunteer(s).id, beneficiary_id=p.id, source="logged", status="verified",
        service_day=clock.today(), minutes=60)),
    "volunteer_profiles": lambda s, p: _add(s, VolunteerProfile(person_id=p.id, skills=["买菜"])),
    "points_accounts": lambda s, p: volunteer_account(s, person_id=p.id).id,
    "redemptions": lambda s, p: _add(s, Redemption(person_id=p.id, reward_id=make_reward(s).id,
                                                   quantity=1, points=10, client_key=f"c{p.id}",
                                                   created_at=clock.now())),
    "activity_signups": _signup,
    "notifications": lambda s, p: _add(s, Notification(person_id=p.id, template="t", text="您好",
                                                       dedupe_key=f"n{p.id}", due_at=clock.now())),
    "inbound_messages": _inbound,
    "tier_decisions": lambda s, p: _add(s, TierDecision(person_id=p.id, tier="dibao", evidence_note="材料",
                                                        verified_by_id=make_person(s).id,
                                                        decided_at=clock.now())),
    "risk_alerts": lambda s, p: _add(s, RiskAlert(kind="missed_meals", level="low", person_id=p.id,
                                                  summary="提醒", dedupe_key=f"a{p.id}")),
    "api_tokens": lambda s, p: _add(s, ApiToken(token_hash=f"h{p.id}", person_id=p.id, created_at=clock.now(),
                                                last_used_at=clock.now(),
                                                expires_at=clock.now() + timedelta(days=1))),
    "subscribe_credits": lambda s, p: _add(s, SubscribeCredit(person_id=p.id, template_id="tpl", credits=1,
                                                              updated_at=clock.now())),
    "service_windows": lambda s, p: (s.add(ServiceWindow(person_id=p.id, opened_at=clock.now())),
                                     s.flush(), p.id)[2],
    "staff_accounts": lambda s, p: _add(s, StaffAccount(person_id=p.id, username=f"u{p.id}",
                                                        password_hash="x")),
    "erasure_requests": lambda s, p: _add(s, ErasureRequest(person_id=p.id, channel="chat",
                                                            requested_at=clock.now())),
    "idempotency_records": lambda s, p: _add(s, IdempotencyRecord(
        person_id=p.id, key=f"k{p.id}", request_hash="h", status_code=201, response={},
        created_at=clock.now())),
    "standing_orders": _standing_order,
    "household_checks": lambda s, p: _household_check(s, p).id,  # type: ignore[attr-defined]
    "household_check_items": lambda s, p: _household_check(s, p).items[0].id,  # type: ignore[attr-defined]
    "fund_donations": _donation,
}
_KEY = {"service_windows": "person_id"}


def test_every_source_has_a_test():
    assert sorted(BUILD) == sorted(s.table for s in SOURCES)


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.table)
def test_the_export_holds_a_brand_new_persons_row_of_each_table_and_not_anothers(db, source):
    with session_scope() as s:
        me, other = _two(s)
        mine, theirs = BUILD[source.table](s, me), BUILD[source.table](s, other)
        me_id = me.id
    with session_scope() as s:
        body = export_person_data(s, person=s.get_one(Person, me_id))
    rows = body["sections"][source.section]
    rows = [rows] if isinstance(rows, dict) else rows
    keys = [r[_KEY.get(source.table, "id")] for r in rows]
    assert mine in keys
    assert theirs not in keys
    assert "别人" not in json.dumps(body, ensure_ascii=False)


def test_the_export_decrypts_for_the_owner_and_gives_no_secrets(db):
    with session_scope() as s:
        me = make_person(s, name="赵桂兰", phone="13911112222", address="和睦路8号")
        submit(s, me, description="水管漏了", address="和睦路8号")
        me_id = me.id
    with session_scope() as s:
        body = export_person_data(s, person=s.get_one(Person, me_id))
    profile = body["sections"]["profile"]
    assert (profile["name"], profile["phone"], profile["address"]) == ("赵桂兰", "13911112222", "和睦路8号")
    assert "phone_bidx" not in profile and "oa_openid" not in profile
    request = body["sections"]["help_requests"][0]
    assert request["description"] == "水管漏了"
    assert [e["by"] for e in request["timeline"]] == ["本人"]


def test_the_demo_residents_export_lists_her_bookings_and_requests_and_nobody_elses(
        client, demo_people, token_for):
    wang, li, son = (demo_people[k] for k in ("demo_elder_wang", "demo_elder_li", "demo_family_wang"))
    with session_scope() as s:
        canteen = make_canteen(s)
        for person_id, booked_by in ((wang, wang), (wang, son), (li, li)):
            s.add(MealBooking(person_id=person_id, canteen_id=canteen.id, meal="lunch", count=1,
                              day=clock.today() + timedelta(days=len(s.new) + 1), price_fen=800,
                              subsidy_fen=0, payable_fen=800, reason="无补贴", booked_by_id=booked_by,
                              channel="chat"))
        submit(s, s.get_one(Person, son), description="给我妈修水管", on_behalf_of_id=wang)
        submit(s, s.get_one(Person, li), description="李家的事")
    auth = {"Authorization": f"Bearer {token_for(wang)}"}
    body = client.get("/api/v1/me/data", headers=auth).get_json()
    with session_scope() as s:
        bookings = set(s.scalars(select(MealBooking.id).where(MealBooking.person_id == wang)))
        requests = set(s.scalars(select(HelpRequest.id).where(or_(
            HelpRequest.requester_id == wang, HelpRequest.on_behalf_of_id == wang))))
        others = [p.name for p in s.scalars(select(Person).where(Person.id != wang)) if p.name]
        others_phones = [p.phone for p in s.scalars(select(Person).where(Person.id != wang)) if p.phone]
    sections = body["sections"]
    assert len(bookings) == 2 and {b["id"] for b in sections["meal_bookings"]} == bookings
    assert requests and {r["id"] for r in sections["help_requests"]} == requests
    assert all(b["person_id"] == wang for b in sections["meal_bookings"])
    text = json.dumps(sections, ensure_ascii=False)
    assert sections["profile"]["name"] == "王秀英"
    assert [n for n in others if n in text] == []
    assert "李家的事" not in text and "给我妈修水管" in text
    assert [p for p in others_phones if p in text] == []


def test_a_family_proxy_sees_only_bookings_and_requests_of_the_principal(client, demo_people, token_for):
    wang, son = demo_people["demo_elder_wang"], demo_people["demo_family_wang"]
    auth = {"Authorization": f"Bearer {token_for(son)}"}
    response = client.get(f"/api/v1/me/principals/{wang}/data", headers=auth)
    assert response.status_code == 200
    body = response.get_json()
    assert body["scope"] == "proxy"
    assert sorted(body["sections"]) == ["help_requests", "meal_bookings", "profile"]
    assert sorted(body["sections"]["profile"]) == ["community_id", "id", "name"]
    assert "13800138001" not in json.dumps(body)
    li = demo_people["demo_elder_li"]
    assert client.get(f"/api/v1/me/principals/{li}/data", headers=auth).status_code == 404
    own = {"Authorization": f"Bearer {token_for(wang)}"}
    assert client.get(f"/api/v1/me/principals/{wang}/data", headers=own).status_code == 404

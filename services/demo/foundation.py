"""Demo region, organisations and one person of every role."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from models.person import Consent, Person, Proxy
from models.region import Community, County, Organisation, Street
from services.people.persons import grant_role

COUNTY = ("330100", "示范县")
STREET = ("330100001", "幸福街道")
COMMUNITIES = [
    ("330100001001", "阳光社区", "0571-88880001", 30.2741, 120.1551),
    ("330100001002", "和睦社区", "0571-88880002", 30.2800, 120.1650),
]
ORGANISATIONS = [
    ("ORG-MZ", "示范县民政局", "civil_affairs"),
    ("ORG-GH", "示范县总工会", "trade_union"),
    ("ORG-TW", "共青团示范县委", "youth_league"),
    ("ORG-FL", "示范县妇联", "womens_federation"),
    ("ORG-CL", "示范县残联", "disabled_federation"),
    ("ORG-HSH", "示范县红十字会", "red_cross"),
    ("ORG-SXD", "示范县少工委", "young_pioneers"),
    ("ORG-CS", "示范县慈善总会", "charity"),
    ("ORG-ZC1", "阳光社区助餐点运营方", "canteen_operator"),
    ("ORG-ZC2", "和睦社区助餐点运营方", "canteen_operator"),
]
# openid, name, phone, community index, roles, extra profile
PEOPLE: list[dict[str, Any]] = [
    {"openid": "demo_elder_wang", "name": "王秀英", "phone": "13800138001", "community": 0,
     "birth": date(1942, 3, 8), "alone": True, "tier": "dibao", "roles": [("resident", None)],
     "address": "阳光社区3号楼2单元101", "home": (30.2745, 120.1556)},
    {"openid": "demo_elder_li", "name": "李建国", "phone": "13800138002", "community": 1,
     "birth": date(1952, 7, 1), "alone": False, "tier": None, "roles": [("resident", None)],
     "address": "和睦社区5号楼301", "home": (30.2803, 120.1655)},
    {"openid": "demo_family_wang", "name": "王小明", "phone": "13800138003", "community": 0,
     "birth": date(1975, 5, 20), "roles": [("resident", None)]},
    {"openid": "demo_volunteer_zhang", "name": "张芳", "phone": "13800138004", "community": 0,
     "birth": date(1990, 9, 9), "roles": [("resident", None), ("volunteer", "c0")]},
    {"openid": "demo_staff_liu", "name": "刘社工", "phone": "13800138005", "community": 0,
     "roles": [("staff", "c0")]},
    {"openid": "demo_staff_chen", "name": "陈社工", "phone": "13800138006", "community": 1,
     "roles": [("staff", "c1")]},
    {"openid": "demo_supervisor_zhao", "name": "赵站长", "phone": "13800138007", "community": 0,
     "roles": [("supervisor", None), ("duty", None)]},
    {"openid": "demo_charity_zhou", "name": "周慈善", "phone": "13800138008", "community": 0,
     "roles": [("charity_admin", "ORG-CS")]},
    {"openid": "demo_canteen_sun", "name": "孙师傅", "phone": "13800138009", "community": 0,
     "roles": [("canteen_operator", "ORG-ZC1")]},
    {"openid": "demo_canteen_qian", "name": "钱师傅", "phone": "13800138010", "community": 1,
     "roles": [("canteen_operator", "ORG-ZC2")]},
]


def _get_or_add(session: Session, model: Any, code: str, **values: Any) -> Any:
    row = session.scalar(select(model).where(model.code == code))
    if row is None:
        row = model(code=code, **values)
        session.add(row)
        session.flush()
    return row


def _person(session: Session, spec: dict[str, Any], communities: list[Community],
            orgs: dict[str, Organisation], staff_id: int | None) -> Person:
    person = session.scalar(select(Person).where(Person.oa_openid == spec["openid"]))
    if person is None:
        person = Person(oa_openid=spec["openid"], mp_openid="mp_" + spec["openid"])
        person.set_name(spec["name"])
        person.set_phone(spec["phone"])
        person.community_id = communities[spec["community"]].id
        person.birth_date = spec.get("birth")
        person.living_alone = spec.get("alone", False)
        person.address = spec.get("address")
        if spec.get("home"):
            person.set_home_location(*spec["home"])
        if spec.get("tier"):
            person.economic_tier = spec["tier"]
            person.tier_verified_by_id = staff_id
            person.tier_verified_at = clock.now()
            person.tier_review_due = clock.today() + timedelta(days=180)
        session.add(person)
        session.flush()
        for scope in ("privacy_policy", "sensitive_profile"):
            session.add(Consent(person_id=person.id, scope=scope, policy_version="2026-11",
                                channel="demo", granted_at=clock.now()))
    for role, scope in spec["roles"]:
        community_id = communities[int(scope[1])].id if scope and scope.startswith("c") else None
        org_id = orgs[scope].id if scope and scope.startswith("ORG") else None
        grant_role(session, person=person, role=role, community_id=community_id,
                   organisation_id=org_id)
    return person


def load(session: Session) -> dict[str, int]:
    """Create the demo county, street, communities, organisations and people."""
    county = _get_or_add(session, County, COUNTY[0], name=COUNTY[1])
    street = _get_or_add(session, Street, STREET[0], name=STREET[1], county_id=county.id)
    communities = [
        _get_or_add(session, Community, code, name=name, street_id=street.id,
                    service_phone=phone, latitude=lat, longitude=lng)
        for code, name, phone, lat, lng in COMMUNITIES
    ]
    orgs = {
        code: _get_or_add(session, Organisation, code, name=name, kind=kind, county_id=county.id,
                          community_id=communities[1].id if code == "ORG-ZC2"
                          else communities[0].id if code == "ORG-ZC1" else None)
        for code, name, kind in ORGANISATIONS
    }
    people: dict[str, Person] = {}
    for spec in sorted(PEOPLE, key=lambda s: "staff" not in str(s["roles"])):
        staff = people.get("demo_staff_liu")
        people[spec["openid"]] = _person(session, spec, communities, orgs,
                                         staff.id if staff else None)
    _accept_proxy(session, principal=people["demo_elder_wang"], agent=people["demo_family_wang"])
    return {"communities": len(communities), "organisations": len(orgs), "people": len(people)}


def _accept_proxy(session: Session, *, principal: Person, agent: Person) -> None:
    exists = session.scalar(
        select(Proxy).where(Proxy.principal_id == principal.id, Proxy.agent_id == agent.id)
    )
    if exists is None:
        now = clock.now()
        session.add(Proxy(principal_id=principal.id, agent_id=agent.id, relation="子女",
                          status="accepted", created_at=now, decided_at=now))
        session.flush()

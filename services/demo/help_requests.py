"""Demo routing rules for the demo communities and a few requests so staff queues are not empty.

The demo requests belong to residents of their own (孙桂兰, 周德明, 吴秀英), so the
messages and history they create never mix with other domains' demo people. 吴秀英's
medical request was resolved 40 days ago and answered its 回访 (30 days after).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core import clock
from models.messaging import Notification
from models.person import Person, PersonRole
from models.region import Community, Organisation
from services.help_requests import (
    Assignee,
    followup,
    set_routing_rule,
    submit_help_request,
    transition_help_request,
)

# (category or None = any, community code or None = any, organisation code, staff queue)
RULES: list[tuple[str | None, str | None, str, str]] = [
    (None, None, "ORG-MZ", "default"),
    ("medical", None, "ORG-HSH", "medical"),
    ("employment", None, "ORG-GH", "employment"),
    ("education", None, "ORG-TW", "education"),
    ("care", "330100001001", "ORG-MZ", "sunshine_care"),
    ("care", "330100001002", "ORG-FL", "harmony_care"),
    ("housing", None, "ORG-MZ", "housing"),
]
# Where 吴秀英's home is (和睦社区5号楼), set here so the address-book import has no one new
# to tell "您家的位置…登记好了" (made-up people are not messaged).
HOMES = {"demo_help_wu": (30.2803, 120.1655)}
# openid, name, phone, community code, address, birth date (all 60+: canteen coverage counts them)
RESIDENTS = [
    ("demo_help_sun", "孙桂兰", "13800138021", "330100001001", "阳光社区7号楼1单元202",
     date(1944, 3, 8)),
    ("demo_help_zhou", "周德明", "13800138022", "330100001002", "和睦社区2号楼502",
     date(1948, 10, 2)),
    ("demo_help_wu", "吴秀英", "13800138023", "330100001002", "和睦社区5号楼301",
     date(1952, 6, 18)),
]
# source key, requester openid, principal openid, category, description, staff openid, moves
REQUESTS: list[dict[str, Any]] = [
    {"key": "demo:help:1", "by": "demo_help_sun", "for": None, "category": "care",
     "text": "想请人每周来陪我聊聊天", "staff": "demo_staff_liu", "moves": []},
    {"key": "demo:help:2", "by": "demo_help_zhou", "for": None, "category": "medical",
     "text": "腿脚不便，想请人陪同去医院复查", "staff": "demo_staff_chen",
     "moves": [("accepted", None), ("assigned", "ORG-HSH")]},
    {"key": "demo:help:3", "by": "demo_help_zhou", "for": None, "category": "living",
     "text": "家里灯坏了，想找人帮忙换", "staff": "demo_staff_chen",
     "moves": [("accepted", None), ("in_progress", None), ("resolved", None)]},
    {"key": "demo:help:4", "by": "demo_help_wu", "for": None, "category": "medical",
     "text": "出院后药费负担重，想申请医疗救助", "staff": "demo_staff_chen",
     "moves": [("accepted", None), ("in_progress", None), ("resolved", None)],
     "days_ago": 40, "followup": "same"},
]


def _person(session: Session, openid: str) -> Person:
    return session.scalars(select(Person).where(Person.oa_openid == openid)).one()


def _org_id(session: Session, code: str) -> int:
    return session.scalars(select(Organisation.id).where(Organisation.code == code)).one()


def _community_id(session: Session, code: str) -> int:
    return session.scalars(select(Community.id).where(Community.code == code)).one()


def _load_residents(session: Session) -> None:
    for openid, name, phone, community_code, address, born in RESIDENTS:
        if session.scalar(select(Person.id).where(Person.oa_openid == openid)) is not None:
            continue
        person = Person(oa_openid=openid, community_id=_community_id(session, community_code),
                        address=address, living_alone=True, birth_date=born)
        person.set_name(name)
        person.set_phone(phone)
        person.roles.append(PersonRole(role="resident", granted_at=clock.now()))
        if openid in HOMES:
            person.set_home_location(*HOMES[openid], source="demo")
        session.add(person)
    session.flush()


def _load_rules(session: Session) -> int:
    for category, community_code, org_code, queue in RULES:
        community_id = _community_id(session, community_code) if community_code else None
        set_routing_rule(session, category=category, community_id=community_id,
                         organisation_id=_org_id(session, org_code), queue=queue)
    return len(RULES)


def _load_request(session: Session, spec: dict[str, Any]) -> None:
    now = clock.now()
    with clock.frozen(now - timedelta(days=spec.get("days_ago", 0))):
        made_id = _make_request(session, spec)
    if made_id is not None and spec.get("followup"):
        resolved = now - timedelta(days=spec["days_ago"])
        with clock.frozen(resolved + followup.after()):
            followup.ask_followups(session, now=clock.now())
        with clock.frozen(resolved + followup.after() + timedelta(days=1)):
            followup.answer_followup(session, person=_person(session, spec["by"]),
                                     help_request_id=made_id, answer=spec["followup"])
    if made_id is not None:  # made-up requests must not text anyone: drop what they queued
        session.execute(delete(Notification).where(
            Notification.dedupe_key.like(f"help:{made_id}:%")))


def _make_request(session: Session, spec: dict[str, Any]) -> int | None:
    principal = _person(session, spec["for"]).id if spec["for"] else None
    made = submit_help_request(
        session, actor=_person(session, spec["by"]), category=spec["category"], urgency="normal",
        description=spec["text"], on_behalf_of_id=principal, channel="miniprogram",
        source_key=spec["key"],
    )
    if made.intake_outcome != "created":
        return None
    staff = _person(session, spec["staff"])
    for to, org_code in spec["moves"]:
        assignee = Assignee(organisation_id=_org_id(session, org_code)) if org_code else None
        transition_help_request(session, actor=staff, request_id=made.id, to=to, assignee=assignee)
    return made.id


def load(session: Session) -> dict[str, int]:
    """Create the demo routing rules and demo help requests (idempotent)."""
    rules = _load_rules(session)
    _load_residents(session)
    for spec in REQUESTS:
        _load_request(session, spec)
    return {"help_routing_rules": rules, "help_requests": len(REQUESTS)}

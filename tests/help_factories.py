"""Factories for help-request tests: a small world and requests in any state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from core import clock
from models.help_requests import HelpRequest
from models.person import Consent, Person
from models.region import Community, Organisation
from services.help_requests import set_routing_rule, submit_help_request
from services.people.persons import grant_role
from tests.factories import make_community, make_organisation, make_person


@dataclass
class World:
    """Two communities with their staff, a resident, a volunteer, a supervisor and organisations."""

    here: Community
    there: Community
    civil: Organisation
    charity: Organisation
    union: Organisation
    resident: Person
    neighbour: Person
    volunteer: Person
    staff: Person
    staff_there: Person
    supervisor: Person
    charity_admin: Person


def make_world(session: Session) -> World:
    here, there = make_community(session), make_community(session)
    civil = make_organisation(session, kind="civil_affairs", community=here)
    charity = make_organisation(session, kind="charity", community=here)
    union = make_organisation(session, kind="trade_union", community=here)
    resident = make_person(session, community=here, name="王秀英", phone="13800138001",
                           address="阳光社区3号楼101")
    admin = make_person(session, roles=(), community=here, name="周慈善")
    grant_role(session, person=admin, role="charity_admin", organisation_id=charity.id)
    supervisor = make_person(session, roles=(), community=here, name="赵站长")
    grant_role(session, person=supervisor, role="supervisor")
    set_routing_rule(session, category=None, community_id=None, organisation_id=civil.id)
    return World(
        here=here, there=there, civil=civil, charity=charity, union=union, resident=resident,
        neighbour=make_person(session, community=here, name="李邻居"),
        volunteer=make_person(session, roles=("resident", "volunteer"), community=here, name="张芳"),
        staff=make_person(session, roles=("staff",), community=here, name="刘社工"),
        staff_there=make_person(session, roles=("staff",), community=there, name="陈社工"),
        supervisor=supervisor, charity_admin=admin,
    )


def submit(session: Session, person: Person, *, category: str = "living",
           urgency: str = "normal", description: str = "家里水管坏了", **kwargs: object) -> HelpRequest:
    return submit_help_request(session, actor=person, category=category, urgency=urgency,
                               description=description, **kwargs)  # type: ignore[arg-type]


def at_status(session: Session, world: World, status: str, **kwargs: object) -> HelpRequest:
    """A fresh request forced into `status` (test set-up only)."""
    requester = make_person(session, community=world.here, address="和睦路1号")
    help_request = submit(session, requester, category="other", description=f"测试{status}",
                          **kwargs)
    help_request.status = status
    if status == "rejected":
        help_request.rejection_reason = "不在服务范围"
    if status in ("resolved", "closed"):
        help_request.resolved_at = clock.now()
    session.flush()
    return help_request


def grant_charity_consent(session: Session, person: Person) -> None:
    session.add(Consent(person_id=person.id, scope="share_with_charity", policy_version="2026-11",
                        channel="test", granted_at=clock.now()))
    session.flush()

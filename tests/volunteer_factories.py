"""Factories for volunteering tests: verified volunteers, rewards, activities, earned points."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from core import clock
from models.activities import Activity
from models.person import Person
from models.region import Community, Organisation
from models.volunteers import Reward, ServiceRecord, VolunteerProfile
from services.people.persons import grant_role
from services.volunteers.ledger import mint_points_for_service
from tests.factories import make_community, make_organisation, make_person

_seq = itertools.count(1)


def make_volunteer(session: Session, *, community: Community | None = None, verified: bool = True,
                   name: str = "王芳", anonymous: bool = False) -> Person:
    community = community or make_community(session)
    person = make_person(session, roles=("resident", "volunteer"), community=community, name=name)
    session.add(VolunteerProfile(
        person_id=person.id, community_id=community.id, skills=["买菜"],
        status="verified" if verified else "pending", anonymous_on_leaderboard=anonymous,
        verified_at=clock.now() if verified else None))
    session.flush()
    return person


def make_staff(session: Session, *, community: Community) -> Person:
    return make_person(session, roles=("staff",), community=community, name="刘社工")


def make_charity_admin(session: Session, *, community: Community) -> tuple[Person, Organisation]:
    org = make_organisation(session, kind="charity", community=community)
    admin = make_person(session, roles=(), community=community, name="周慈善")
    grant_role(session, person=admin, role="charity_admin", organisation_id=org.id)
    return admin, org


def make_reward(session: Session, *, cost: int = 10, stock: int = 100, name: str = "大米一袋") -> Reward:
    reward = Reward(code=f"R{next(_seq)}", name=name, points_cost=cost, stock=stock, active=True)
    session.add(reward)
    session.flush()
    return reward


def give_points(session: Session, *, volunteer: Person, points: int, rate: int = 10) -> ServiceRecord:
    """Mint `points` to a volunteer through a verified record (points must be a multiple of rate/60)."""
    record = ServiceRecord(
        volunteer_id=volunteer.id, community_id=volunteer.community_id, source="logged",
        status="verified", service_day=clock.today(), minutes=points * 60 // rate,
        description="测试服务")
    session.add(record)
    session.flush()
    mint_points_for_service(session, record=record, actor_id=None)
    return record


def make_activity(session: Session, *, organisation: Organisation, admin: Person,
                  starts_at: datetime | None = None, capacity: int = 10, points: int = 20,
                  hours: int = 2) -> Activity:
    starts_at = starts_at or clock.now() + timedelta(days=2)
    activity = Activity(
        organisation_id=organisation.id, created_by_id=admin.id, community_id=organisation.community_id,
        title="敬老院包饺子", description="陪老人包饺子", place="阳光敬老院", starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours), signup_deadline=starts_at - timedelta(hours=12),
        capacity=capacity, points=points, status="open", signed_up_count=0, version=1)
    session.add(activity)
    session.flush()
    return activity

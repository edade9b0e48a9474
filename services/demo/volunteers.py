"""Demo volunteering: verified volunteers, the points rate, rewards and two upcoming activities."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from models.activities import Activity
from models.person import Person
from models.region import Organisation
from models.volunteers import PointsRate, Reward, VolunteerProfile

VOLUNTEERS = [("demo_volunteer_zhang", ["买菜", "陪伴聊天", "读报"], "周末全天，工作日晚上")]
REWARDS = [
    ("RW-RICE", "大米一袋（5斤）", 100, 50),
    ("RW-OIL", "食用油一桶", 150, 30),
    ("RW-HAIRCUT", "理发券一张", 30, 100),
    ("RW-TOWEL", "毛巾两条", 20, 200),
]
# title, description, place, days ahead, start hour, hours, capacity, points
ACTIVITIES: list[tuple[str, str, str, int, int, int, int, int]] = [
    ("敬老院包饺子", "陪老人包饺子、聊聊天。", "阳光社区敬老院", 3, 9, 3, 20, 30),
    ("义务理发进社区", "为行动不便的老人上门理发。", "和睦社区服务站", 6, 14, 2, 8, 20),
]


def _profile(session: Session, person: Person, skills: list[str], availability: str) -> None:
    if session.scalar(select(VolunteerProfile.id).where(VolunteerProfile.person_id == person.id)):
        return
    staff = session.scalar(select(Person).where(Person.oa_openid == "demo_staff_liu"))
    session.add(VolunteerProfile(
        person_id=person.id, community_id=person.community_id, skills=skills, availability=availability,
        status="verified", verified_by_id=staff.id if staff else None, verified_at=clock.now()))


def _activities(session: Session, charity: Organisation, admin: Person) -> int:
    for title, description, place, days, hour, hours, capacity, points in ACTIVITIES:
        # One still open for sign-up is enough; once it has passed, a later `make run` adds the
        # next one, so the demo always has something to join and keeps the old one as history.
        if session.scalar(select(Activity.id).where(Activity.title == title,
                                                    Activity.organisation_id == charity.id,
                                                    Activity.signup_deadline > clock.now())):
            continue
        starts = clock.local_datetime(clock.today() + timedelta(days=days), hour)
        session.add(Activity(
            organisation_id=charity.id, created_by_id=admin.id, community_id=admin.community_id,
            title=title, description=description, place=place, starts_at=starts,
            ends_at=starts + timedelta(hours=hours), signup_deadline=starts - timedelta(days=1),
            capacity=capacity, points=points, status="open", signed_up_count=0, version=1))
    return len(ACTIVITIES)


def load(session: Session) -> dict[str, Any]:
    """Create verified volunteers, the 10-points-an-hour rate, rewards and two activities."""
    for openid, skills, availability in VOLUNTEERS:
        person = session.scalar(select(Person).where(Person.oa_openid == openid))
        if person is not None:
            _profile(session, person, skills, availability)
    if not session.scalar(select(PointsRate.id).where(PointsRate.code == "service_hour")):
        session.add(PointsRate(code="service_hour", points=10, effective_from=date(2026, 1, 1),
                               note="每服务1小时得10积分"))
    for code, name, cost, stock in REWARDS:
        if not session.scalar(select(Reward.id).where(Reward.code == code)):
            session.add(Reward(code=code, name=name, points_cost=cost, stock=stock, active=True))
    charity = session.scalar(select(Organisation).where(Organisation.code == "ORG-CS"))
    admin = session.scalar(select(Person).where(Person.oa_openid == "demo_charity_zhou"))
    count = _activities(session, charity, admin) if charity and admin else 0
    session.flush()
    return {"volunteers": len(VOLUNTEERS), "rewards": len(REWARDS), "activities": count}

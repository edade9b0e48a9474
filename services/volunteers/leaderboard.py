"""The monthly leaderboard of a community: verified hours and the points they earned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from core import crypto
from core.errors import ValidationFailed
from models.person import Person
from models.volunteers import PointsEntry, PointsPosting, ServiceRecord, VolunteerProfile

ANONYMOUS_NAME = "匿名志愿者"


@dataclass(frozen=True)
class LeaderboardRow:
    """One volunteer's place on the board; anonymous rows carry no name."""

    rank: int
    person_id: int | None
    name: str
    hours: float
    points: int


def month_bounds(month: str) -> tuple[date, date]:
    """Return the first day of `month` ("2026-11") and of the month after."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = date(year, number, 1)
    except ValueError:
        raise ValidationFailed("月份格式应为 YYYY-MM，比如 2026-11。") from None
    end = date(year + number // 12, number % 12 + 1, 1)
    return start, end


def get_leaderboard(session: Session, *, community_id: int, month: str, limit: int = 20) -> list[LeaderboardRow]:
    """Rank a community's volunteers by verified hours in a month, then by points."""
    start, end = month_bounds(month)
    minted = (
        select(PointsPosting.service_record_id.label("record_id"), PointsEntry.amount.label("points"))
        .join(PointsEntry, and_(PointsEntry.posting_id == PointsPosting.id, PointsEntry.amount > 0))
        .where(PointsPosting.kind == "service")
        .subquery()
    )
    minutes = func.sum(ServiceRecord.minutes)
    points = func.coalesce(func.sum(minted.c.points), 0)
    stmt = (
        select(ServiceRecord.volunteer_id, minutes, points)
        .outerjoin(minted, minted.c.record_id == ServiceRecord.id)
        .where(ServiceRecord.community_id == community_id, ServiceRecord.status == "verified",
               ServiceRecord.service_day >= start, ServiceRecord.service_day < end)
        .group_by(ServiceRecord.volunteer_id)
        .order_by(minutes.desc(), points.desc(), ServiceRecord.volunteer_id)
        .limit(limit)
    )
    rows = session.execute(stmt).all()
    ids = [volunteer_id for volunteer_id, _, _ in rows]
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    hidden = set(session.scalars(select(VolunteerProfile.person_id).where(
        VolunteerProfile.person_id.in_(ids), VolunteerProfile.anonymous_on_leaderboard.is_(True))))
    board = []
    for rank, (volunteer_id, total_minutes, total_points) in enumerate(rows, start=1):
        anonymous = volunteer_id in hidden
        name = ANONYMOUS_NAME if anonymous else crypto.mask_name(people[volunteer_id].name)
        board.append(LeaderboardRow(rank=rank, person_id=None if anonymous else volunteer_id, name=name,
                                    hours=round(int(total_minutes) / 60, 1), points=int(total_points)))
    return board

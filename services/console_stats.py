"""Figures for the staff dashboard: requests, meals and subsidy, volunteer hours, by month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, literal_column, select
from sqlalchemy.orm import Session

from core import clock
from core.errors import NotFound
from models.person import Person
from models.region import Community
from services.access import require_staff_for


@dataclass
class Dashboard:
    """Monthly series for one or more communities (months oldest first)."""

    months: list[str]
    requests_by_category: dict[str, dict[str, int]] = field(default_factory=dict)
    requests_by_status: dict[str, int] = field(default_factory=dict)
    meals_served: dict[str, int] = field(default_factory=dict)
    subsidy_fen: dict[str, int] = field(default_factory=dict)
    volunteer_minutes: dict[str, int] = field(default_factory=dict)


def list_staff_community_choices(session: Session, *, actor: Person) -> list[Community]:
    """Return the communities a staff member may pick from, by name."""
    communities = require_staff_for(actor)
    stmt = select(Community).order_by(Community.code)
    if communities is not None:
        stmt = stmt.where(Community.id.in_(communities))
    return list(session.scalars(stmt))


def pick_community(session: Session, *, actor: Person, community_id: int | None) -> Community:
    """Return the community a page shows: the one asked for, else the staff member's first."""
    choices = list_staff_community_choices(session, actor=actor)
    if community_id is None and choices:
        return choices[0]
    for community in choices:
        if community.id == community_id:
            return community
    raise NotFound()


def month_keys(today: date, months: int) -> list[str]:
    """Return the last `months` months as YYYY-MM, oldest first."""
    keys = []
    year, month = today.year, today.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def _month(column: Any) -> ColumnElement[str]:
    # Text of a date or timestamp starts with YYYY-MM on SQLite and PostgreSQL alike.
    return func.substr(cast(column, String), literal_column("1"), literal_column("7"))


def _first_day(months: list[str]) -> date:
    year, month = months[0].split("-")
    return date(int(year), int(month), 1)


def _requests(session: Session, board: Dashboard, community_id: int, start: date) -> None:
    from models.help_requests import HelpRequest

    since = clock.local_datetime(start, 0)
    month = _month(HelpRequest.created_at)
    stmt = (select(month, HelpRequest.category, func.count())
            .where(HelpRequest.community_id == community_id, HelpRequest.created_at >= since)
            .group_by(month, HelpRequest.category))
    for ym, category, count in session.execute(stmt):
        board.requests_by_category.setdefault(category, defaultdict(int))[ym] += count
    by_status = (select(HelpRequest.status, func.count())
                 .where(HelpRequest.community_id == community_id, HelpRequest.created_at >= since)
                 .group_by(HelpRequest.status))
    board.requests_by_status = {status: count for status, count in session.execute(by_status)}


def _meals(session: Session, board: Dashboard, community_id: int, start: date) -> None:
    from models.meals import Canteen, MealBooking

    month = _month(MealBooking.day)
    stmt = (select(month, func.sum(MealBooking.count),
                   func.sum(MealBooking.subsidy_fen * MealBooking.count))
            .join(Canteen, Canteen.id == MealBooking.canteen_id)
            .where(Canteen.community_id == community_id, MealBooking.status == "served",
                   MealBooking.day >= start)
            .group_by(month))
    for ym, served, subsidy in session.execute(stmt):
        board.meals_served[ym] = int(served or 0)
        board.subsidy_fen[ym] = int(subsidy or 0)


def _volunteering(session: Session, board: Dashboard, community_id: int, start: date) -> None:
    from models.volunteers import ServiceRecord

    month = _month(ServiceRecord.service_day)
    stmt = (select(month, func.sum(ServiceRecord.minutes))
            .where(ServiceRecord.community_id == community_id,
                   ServiceRecord.status == "verified", ServiceRecord.service_day >= start)
            .group_by(month))
    for ym, minutes in session.execute(stmt):
        board.volunteer_minutes[ym] = int(minutes or 0)


def get_dashboard(session: Session, *, actor: Person, community_id: int, months: int = 6) -> Dashboard:
    """Return a community's monthly figures for the last `months` months."""
    pick_community(session, actor=actor, community_id=community_id)
    board = Dashboard(months=month_keys(clock.today(), months))
    start = _first_day(board.months)
    for part in (_requests, _meals, _volunteering):
        try:
            part(session, board, community_id, start)
        except ModuleNotFoundError:  # that domain's tables are not in this build
            continue
    return board

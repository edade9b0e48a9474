"""Figures for the staff dashboard: requests, meals and subsidy, volunteer hours, by month."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal_column, select
from sqlalchemy.orm import Session

from core import clock
from core.errors import NotFound
from models.person import Person
from models.region import Community
from services.access.checks import require_staff_for


@dataclass
class Dashboard:
    """Monthly series for one or more communities (months oldest first)."""

    months: list[str]
    requests_by_category: dict[str, dict[str, int]] = field(default_factory=dict)
    requests_by_status: dict[str, int] = field(default_factory=dict)
    # 分层分类救助: layer ("" = not layered) → month → count, and layer → still open.
    requests_by_layer: dict[str, dict[str, int]] = field(default_factory=dict)
    open_by_layer: dict[str, int] = field(default_factory=dict)
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


def _month_starts(months: list[str]) -> list[date]:
    return [date(int(m[:4]), int(m[5:7]), 1) for m in months]


def _bucket(column: Any, months: list[str], *, local_time: bool) -> ColumnElement[str]:
    """Label each row with its YYYY-MM by comparing against local month starts (newest first)."""
    starts = _month_starts(months)
    bounds: list[Any] = [clock.local_datetime(d, 0) for d in starts] if local_time else starts
    whens = [(column >= bound, key) for bound, key in zip(bounds[::-1], months[::-1], strict=True)]
    return case(*whens, else_=None)


# Grouping by the first output column keeps PostgreSQL from seeing two copies of the CASE.
BY_FIRST: ColumnElement[Any] = literal_column("1")


def _requests(session: Session, board: Dashboard, community_id: int) -> None:
    from models.help_requests import HelpRequest

    since = clock.local_datetime(_month_starts(board.months)[0], 0)
    month = _bucket(HelpRequest.created_at, board.months, local_time=True)
    from models.help_requests import OPEN_STATUSES

    stmt = (select(month, HelpRequest.category, HelpRequest.status, HelpRequest.layer,
                   func.count())
            .where(HelpRequest.community_id == community_id, HelpRequest.created_at >= since)
            .group_by(BY_FIRST, HelpRequest.category, HelpRequest.status, HelpRequest.layer))
    by_status: dict[str, int] = defaultdict(int)
    open_by_layer: dict[str, int] = defaultdict(int)
    for ym, category, status, layer, count in session.execute(stmt):
        board.requests_by_category.setdefault(category, defaultdict(int))[ym] += count
        board.requests_by_layer.setdefault(layer or "", defaultdict(int))[ym] += count
        by_status[status] += count
        if status in OPEN_STATUSES:
            open_by_layer[layer or ""] += count
    board.requests_by_status = dict(by_status)
    board.open_by_layer = dict(open_by_layer)


def _meals(session: Session, board: Dashboard, community_id: int) -> None:
    """Served portions and the subsidy settled for them, from the monthly rollup."""
    from models.meals import Canteen, MealMonthlyRollup

    rollup = MealMonthlyRollup
    canteens = select(Canteen.id).where(Canteen.community_id == community_id)
    stmt = (select(rollup.month, func.sum(rollup.portions), func.sum(rollup.subsidy_fen))
            .where(rollup.canteen_id.in_(canteens), rollup.status == "served",
                   rollup.month.in_(board.months))
            .group_by(rollup.month))
    for ym, served, subsidy in session.execute(stmt):
        if served or subsidy:
            board.meals_served[ym] = int(served or 0)
            board.subsidy_fen[ym] = int(subsidy or 0)


def _volunteering(session: Session, board: Dashboard, community_id: int) -> None:
    from models.volunteers import ServiceRecord

    stmt = (select(_bucket(ServiceRecord.service_day, board.months, local_time=False),
                   func.sum(ServiceRecord.minutes))
            .where(ServiceRecord.community_id == community_id, ServiceRecord.status == "verified",
                   ServiceRecord.service_day >= _month_starts(board.months)[0])
            .group_by(BY_FIRST))
    for ym, minutes in session.execute(stmt):
        board.volunteer_minutes[ym] = int(minutes or 0)


def get_dashboard(session: Session, *, actor: Person, community_id: int, months: int = 6) -> Dashboard:
    """Return a community's monthly figures for the last `months` months."""
    pick_community(session, actor=actor, community_id=community_id)
    board = Dashboard(months=month_keys(clock.today(), months))
    for part in (_requests, _meals, _volunteering):
        try:
            part(session, board, community_id)
        except ModuleNotFoundError:  # that domain's tables are not in this build
            continue
    return board

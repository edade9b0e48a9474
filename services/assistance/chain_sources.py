"""Where a household's assistance history comes from: one reader per domain table."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, func, literal_column, or_, select
from sqlalchemy.orm import Session

from core import clock
from models.console import TierDecision
from models.monitoring import RiskAlert
from models.person import TIER_NAMES

LIMIT = 300
STATUS_NAMES = {
    "submitted": "已提交", "accepted": "已受理", "assigned": "已派单", "in_progress": "办理中",
    "resolved": "已解决", "closed": "已办结", "cancelled": "已取消", "rejected": "未受理",
    "referred": "已转介", "open": "进行中", "pending_confirmation": "待确认", "verified": "已核实",
    "signed_up": "已报名", "attended": "已参加", "acknowledged": "已查看",
    "served": "已取餐", "no_show": "未取餐", "booked": "已订餐",
}


@dataclass(frozen=True)
class HistoryEvent:
    """One thing that happened for a household member, from any organisation."""

    at: datetime
    person_id: int
    kind: str
    title: str
    status: str
    organisation: str | None = None
    category: str | None = None
    amount_fen: int = 0
    count: int = 0
    minutes: int = 0
    subject_id: int | None = None
    ended: datetime | None = None
    layer: str | None = None  # 分层分类救助, for help requests and tier decisions

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)


def help_requests(session: Session, ids: Collection[int]) -> list[HistoryEvent]:
    """Help requests made by or for household members, with their outcome."""
    from models.help_requests import CATEGORY_NAMES, HelpRequest

    stmt = select(HelpRequest).where(
        or_(HelpRequest.requester_id.in_(ids), HelpRequest.on_behalf_of_id.in_(ids))
    ).order_by(HelpRequest.id.desc()).limit(LIMIT)
    return [
        HistoryEvent(
            at=r.created_at, person_id=r.beneficiary_id, kind="help_request",
            title=f"{r.code} {CATEGORY_NAMES.get(r.category, r.category)}求助",
            status=r.status, organisation=r.organisation.name if r.organisation else None,
            category=r.category, subject_id=r.id, ended=r.resolved_at or r.closed_at,
            layer=r.layer,
        )
        for r in session.scalars(stmt)
    ]


def meals(session: Session, ids: Collection[int]) -> list[HistoryEvent]:
    """Meals and meal subsidies, one line per person, canteen, month and status."""
    from models.meals import Canteen, MealBooking

    month = func.substr(cast(MealBooking.day, String), literal_column("1"), literal_column("7"))
    stmt = (
        select(MealBooking.person_id, Canteen.name, month, MealBooking.status,
               func.sum(MealBooking.count), func.sum(MealBooking.subsidy_fen),
               func.min(MealBooking.day))
        .join(Canteen, Canteen.id == MealBooking.canteen_id)
        .where(MealBooking.person_id.in_(ids), MealBooking.status != "cancelled")
        .group_by(MealBooking.person_id, Canteen.name, month, MealBooking.status)
        .order_by(func.min(MealBooking.day).desc()).limit(LIMIT)
    )
    titles = {"served": "助餐已取", "no_show": "订餐未取", "booked": "已订餐"}
    return [
        HistoryEvent(at=clock.local_datetime(first, 12), person_id=pid, kind="meal",
                     title=f"{ym} {titles.get(status, status)} {count}份", status=status,
                     organisation=canteen, count=int(count),
                     amount_fen=int(subsidy or 0) if status == "served" else 0)
        for pid, canteen, ym, status, count, subsidy, first in session.execute(stmt)
    ]


def services_received(session: Session, ids: Collection[int]) -> list[HistoryEvent]:
    """Volunteer services a household member received."""
    from models.volunteers import ServiceRecord

    stmt = select(ServiceRecord).where(
        ServiceRecord.beneficiary_id.in_(ids), ServiceRecord.status != "rejected"
    ).order_by(ServiceRecord.service_day.desc()).limit(LIMIT)
    return [
        HistoryEvent(at=r.started_at or clock.local_datetime(r.service_day, 9),
                     person_id=r.beneficiary_id or 0, kind="volunteer_service",
                     title=f"志愿服务 {r.minutes // 60}小时{r.minutes % 60}分",
                     status=r.status, minutes=r.minutes, subject_id=r.id)
        for r in session.scalars(stmt)
    ]


def activities(session: Session, ids: Collection[int]) -> list[HistoryEvent]:
    """Activities a household member signed up for or attended."""
    from models.activities import Activity, ActivitySignup
    from models.region import Organisation

    stmt = (
        select(ActivitySignup, Activity, Organisation.name)
        .join(Activity, Activity.id == ActivitySignup.activity_id)
        .join(Organisation, Organisation.id == Activity.organisation_id)
        .where(ActivitySignup.volunteer_id.in_(ids))
        .order_by(Activity.starts_at.desc()).limit(LIMIT)
    )
    return [
        HistoryEvent(at=activity.starts_at, person_id=signup.volunteer_id, kind="activity",
                     title=f"活动：{activity.title}", status=signup.status, organisation=org,
                     subject_id=activity.id)
        for signup, activity, org in session.execute(stmt)
    ]


def tier_decisions(session: Session, ids: Collection[int]) -> list[HistoryEvent]:
    """Tier verifications (核对) of household members."""
    stmt = select(TierDecision).where(TierDecision.person_id.in_(ids)).limit(LIMIT)
    return [
        HistoryEvent(at=d.decided_at, person_id=d.person_id, kind="tier",
                     title=f"核对认定：{TIER_NAMES.get(d.tier or '', '取消认定')}",
                     status="verified", organisation="民政服务站", subject_id=d.id,
                     layer=d.layer)
        for d in session.scalars(stmt)
    ]


def alerts(session: Session, ids: Collection[int]) -> list[HistoryEvent]:
    """Risk alerts raised about household members."""
    stmt = select(RiskAlert).where(RiskAlert.person_id.in_(ids)).limit(LIMIT)
    return [
        HistoryEvent(at=a.created_at, person_id=a.person_id or 0, kind="alert",
                     title=f"预警：{a.summary}", status=a.status, subject_id=a.id)
        for a in session.scalars(stmt)
    ]


SOURCES: tuple[Callable[[Session, Collection[int]], list[HistoryEvent]], ...] = (
    help_requests, meals, services_received, activities, tier_decisions, alerts,
)

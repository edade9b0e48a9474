"""Service records: check in, check out, log after the fact, close forgotten check-outs.

Rules: one volunteer's timed records never overlap; at most 12 hours count on
one day (a record counts on the day it started); no future dates; a logged
record for the same person on the same day as another is a duplicate. The
volunteer's profile row is locked while a record is written, so two quick
taps cannot both pass the checks.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import clock
from core.config import get_settings
from core.errors import InvalidTransition, NotFound, ValidationFailed
from models.activities import Activity
from models.help_requests import OPEN_STATUSES, HelpRequest
from models.person import Person
from models.volunteers import ServiceRecord
from services.help_requests.queries import load_visible
from services.people.persons import get_person
from services.volunteers.errors import DailyCapExceeded, ServiceOverlap, TooFarAway
from services.volunteers.registration import require_verified_volunteer
from services.volunteers.verification import request_confirmation

DAILY_CAP_MINUTES = 12 * 60
CHECKOUT_CAP = timedelta(hours=8)
LOG_WINDOW_DAYS = 30
DEFAULT_RADIUS_M = 500
LIVE = ("open", "pending_confirmation", "verified")


def checkin_radius_m() -> int:
    """Return how far (metres) from the place a check-in may be."""
    return int(get_settings().extra.get("volunteer_checkin_radius_m", DEFAULT_RADIUS_M))


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the great-circle distance in metres between two (lat, lng) points."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def _minutes_on_day(session: Session, *, volunteer_id: int, day: date, exclude_id: int | None = None) -> int:
    stmt = select(func.coalesce(func.sum(ServiceRecord.minutes), 0)).where(
        ServiceRecord.volunteer_id == volunteer_id, ServiceRecord.service_day == day,
        ServiceRecord.status.in_(LIVE),
    )
    if exclude_id is not None:
        stmt = stmt.where(ServiceRecord.id != exclude_id)
    return int(session.scalar(stmt) or 0)


def guard_daily_cap(session: Session, *, volunteer_id: int, day: date, minutes: int,
                    exclude_id: int | None = None) -> None:
    """Refuse a record that would take a day past 12 hours."""
    used = _minutes_on_day(session, volunteer_id=volunteer_id, day=day, exclude_id=exclude_id)
    if used + minutes > DAILY_CAP_MINUTES:
        left = max(0, DAILY_CAP_MINUTES - used) / 60
        raise DailyCapExceeded(f"一天最多记12小时，这天还能记{left:g}小时。")


def guard_overlap(session: Session, *, volunteer_id: int, start: datetime, end: datetime,
                  exclude_id: int | None = None) -> None:
    """Refuse a timed record that overlaps another of the same volunteer."""
    stmt = select(ServiceRecord.id).where(
        ServiceRecord.volunteer_id == volunteer_id, ServiceRecord.status.in_(LIVE),
        ServiceRecord.started_at < end,
        func.coalesce(ServiceRecord.ended_at, ServiceRecord.started_at) > start,
    )
    if exclude_id is not None:
        stmt = stmt.where(ServiceRecord.id != exclude_id)
    if session.scalar(stmt.limit(1)) is not None:
        raise ServiceOverlap()


def _check_location(session: Session, *, lat: float, lng: float, beneficiary_id: int | None,
                    activity_id: int | None) -> str:
    place: tuple[float, float] | None = None
    if activity_id is not None:
        activity = session.get(Activity, activity_id)
        if activity is None:
            raise NotFound("没有找到这个活动。")
        if activity.latitude is not None and activity.longitude is not None:
            place = (activity.latitude, activity.longitude)
    elif beneficiary_id is not None:
        place = get_person(session, person_id=beneficiary_id).home_lat_lng
    if place is not None and distance_m((lat, lng), place) > checkin_radius_m():
        raise TooFarAway()
    return f"{lat:.5f},{lng:.5f}"


def _guard_references(session: Session, *, beneficiary_id: int | None = None,
                      activity_id: int | None = None) -> None:
    """Refuse ids that point at nothing with a field error (they would break a foreign key)."""
    if beneficiary_id is not None and session.get(Person, beneficiary_id) is None:
        raise ValidationFailed(fields={"beneficiary_id": "没有这个人"})
    if activity_id is not None and session.get(Activity, activity_id) is None:
        raise ValidationFailed(fields={"activity_id": "没有这个活动"})


def _assigned_help_request(session: Session, *, actor: Person, help_request_id: int) -> HelpRequest:
    """Return the help request if it is assigned to the actor; NotFound otherwise (ids cannot be probed)."""
    help_request, _ = load_visible(session, actor=actor, request_id=help_request_id)
    if help_request.assignee_person_id != actor.id:
        raise NotFound("没有找到这条求助。")
    return help_request


def _open_record(session: Session, *, volunteer_id: int) -> ServiceRecord | None:
    return session.scalar(select(ServiceRecord).where(
        ServiceRecord.volunteer_id == volunteer_id, ServiceRecord.status == "open"))


def get_open_service_record(session: Session, *, volunteer_id: int) -> ServiceRecord | None:
    """Return the volunteer's check-in that has not been checked out, if any."""
    return _open_record(session, volunteer_id=volunteer_id)


def find_service_record(session: Session, *, record_id: int) -> ServiceRecord | None:
    """Return a service record by id, or None when there is none."""
    return session.get(ServiceRecord, record_id)


def check_in(
    session: Session, *, actor: Person, beneficiary_id: int | None = None,
    help_request_id: int | None = None, activity_id: int | None = None,
    lat: float | None = None, lng: float | None = None,
) -> ServiceRecord:
    """Start a service now, optionally proving the volunteer is at the place."""
    profile = require_verified_volunteer(session, person_id=actor.id)
    if beneficiary_id == actor.id:
        raise ValidationFailed("不能给自己记服务。")
    _guard_references(session, beneficiary_id=beneficiary_id, activity_id=activity_id)
    if help_request_id is not None:
        help_request = _assigned_help_request(session, actor=actor, help_request_id=help_request_id)
        if help_request.status not in OPEN_STATUSES:
            raise InvalidTransition("这条求助已经办结了，不用再签到。有新情况请联系社区。")
    if _open_record(session, volunteer_id=actor.id) is not None:
        raise ServiceOverlap("您已经签到了，请先签退。")
    now = clock.now()
    guard_overlap(session, volunteer_id=actor.id, start=now, end=now + timedelta(seconds=1))
    location = None
    if lat is not None and lng is not None:
        location = _check_location(session, lat=lat, lng=lng, beneficiary_id=beneficiary_id,
                                   activity_id=activity_id)
    record = ServiceRecord(
        volunteer_id=actor.id, beneficiary_id=beneficiary_id, help_request_id=help_request_id,
        activity_id=activity_id, community_id=profile.community_id, source="check_in",
        status="open", service_day=clock.local_now().date(), started_at=now, minutes=0,
        check_in_location=location,
    )
    session.add(record)
    session.flush()
    return record


def _close(session: Session, record: ServiceRecord, *, end: datetime, flag: str | None) -> ServiceRecord:
    assert record.started_at is not None
    if end - record.started_at > CHECKOUT_CAP:
        end, flag = record.started_at + CHECKOUT_CAP, flag or "auto_closed"
    minutes = int((end - record.started_at).total_seconds() // 60)
    left = DAILY_CAP_MINUTES - _minutes_on_day(
        session, volunteer_id=record.volunteer_id, day=record.service_day, exclude_id=record.id)
    if minutes > left:
        minutes, flag = max(0, left), flag or "daily_cap"
    record.ended_at, record.minutes, record.status = end, minutes, "pending_confirmation"
    if flag:
        record.flagged, record.flag_reason = True, flag
    request_confirmation(session, record=record)
    session.flush()
    return record


def check_out(session: Session, *, actor: Person, record_id: int | None = None) -> ServiceRecord:
    """End the actor's open service (the given one, or the one that is open)."""
    require_verified_volunteer(session, person_id=actor.id)
    record = _open_record(session, volunteer_id=actor.id) if record_id is None else session.get(
        ServiceRecord, record_id)
    if record is None or record.volunteer_id != actor.id:
        raise NotFound("没有找到正在进行的服务。")
    if record.status != "open":
        raise InvalidTransition("这次服务已经签退了。")
    return _close(session, record, end=clock.now(), flag=None)


def log_service(
    session: Session, *, actor: Person, day: date, hours: float, description: str,
    beneficiary_id: int | None = None,
) -> ServiceRecord:
    """Record a service after the fact ("今天帮李奶奶买菜两个小时")."""
    profile = require_verified_volunteer(session, person_id=actor.id)
    today = clock.today()
    if day > today:
        raise ValidationFailed("不能记还没到的日子。")
    if day < today - timedelta(days=LOG_WINDOW_DAYS):
        raise ValidationFailed(f"只能补记{LOG_WINDOW_DAYS}天内的服务。")
    minutes = round(hours * 60)
    if minutes <= 0 or not description.strip():
        raise ValidationFailed("请说清楚做了什么、做了几小时。")
    if beneficiary_id == actor.id:
        raise ValidationFailed("不能给自己记服务。")
    _guard_references(session, beneficiary_id=beneficiary_id)
    guard_daily_cap(session, volunteer_id=actor.id, day=day, minutes=minutes)
    if beneficiary_id is not None and session.scalar(select(ServiceRecord.id).where(
            ServiceRecord.volunteer_id == actor.id, ServiceRecord.beneficiary_id == beneficiary_id,
            ServiceRecord.service_day == day, ServiceRecord.status.in_(LIVE)).limit(1)) is not None:
        raise ServiceOverlap("这天为这位老人的服务已经记过了。")
    record = ServiceRecord(
        volunteer_id=actor.id, beneficiary_id=beneficiary_id, community_id=profile.community_id,
        source="logged", status="pending_confirmation", service_day=day, minutes=minutes,
        description=description.strip()[:500],
    )
    session.add(record)
    session.flush()
    request_confirmation(session, record=record)
    return record


def auto_close_forgotten_checkouts(session: Session, *, now: datetime) -> int:
    """Close check-ins left open past 8 hours at the cap, flagged for staff; return how many."""
    stale = session.scalars(
        select(ServiceRecord)
        .where(ServiceRecord.status == "open", ServiceRecord.started_at <= now - CHECKOUT_CAP)
        .with_for_update(skip_locked=True)
    ).all()
    for record in stale:
        assert record.started_at is not None
        _close(session, record, end=record.started_at + CHECKOUT_CAP, flag="auto_closed")
    return len(stale)


def list_my_service_records(session: Session, *, actor: Person, limit: int = 20,
                            cursor: int | None = None) -> list[ServiceRecord]:
    """Return the actor's service records, newest first."""
    stmt = select(ServiceRecord).where(ServiceRecord.volunteer_id == actor.id)
    if cursor is not None:
        stmt = stmt.where(ServiceRecord.id < cursor)
    return list(session.scalars(stmt.order_by(ServiceRecord.id.desc()).limit(limit)))

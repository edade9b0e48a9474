"""Charity activities: post, edit, cancel, sign up, withdraw, attend, remind.

Capacity is guarded by a conditional UPDATE of `signed_up_count` (and a CHECK
that it never exceeds capacity), so places are never oversold. Attendance,
by the venue's code or marked by the organiser, becomes a verified service
record that mints its points once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock
from core.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from models.activities import Activity, ActivitySignup
from models.messaging import Notification
from models.person import Person
from models.region import Community
from models.volunteers import ServiceRecord
from services.messaging.message_templates import moment_words
from services.messaging.notifications import enqueue_notification
from services.volunteers.errors import ActivityFull, SignupClosed, WrongAttendanceCode
from services.volunteers.ledger import mint_points_for_service
from services.volunteers.registration import require_verified_volunteer
from services.volunteers.service_records import DAILY_CAP_MINUTES, guard_daily_cap, guard_overlap

EDITABLE = ("title", "description", "place", "starts_at", "ends_at", "signup_deadline", "capacity", "points")
CODE_EARLY = timedelta(hours=1)
CODE_LATE = timedelta(hours=2)


def _organisation_of(actor: Person, organisation_id: int | None) -> int:
    orgs = [r.organisation_id for r in actor.roles if r.role == "charity_admin" and r.organisation_id]
    if organisation_id is None and len(orgs) == 1:
        return orgs[0]
    if organisation_id is None or organisation_id not in orgs:
        raise NotAllowed("只有慈善组织的管理员才能发布活动。")
    return organisation_id


def _label(at: datetime) -> str:
    local = at.astimezone(clock.LOCAL_TZ)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _validate(values: dict[str, Any]) -> None:
    if values["ends_at"] <= values["starts_at"]:
        raise ValidationFailed("结束时间要晚于开始时间。")
    if values["signup_deadline"] > values["starts_at"]:
        raise ValidationFailed("报名截止要早于活动开始。")
    if values["capacity"] < 1 or values["points"] < 0:
        raise ValidationFailed("名额至少1人，积分不能为负。")


def post_activity(session: Session, *, actor: Person, organisation_id: int | None = None,
                  community_id: int | None = None, latitude: float | None = None,
                  longitude: float | None = None, **values: Any) -> Activity:
    """Publish an activity for the actor's charity."""
    org_id = _organisation_of(actor, organisation_id)
    if community_id is not None and session.get(Community, community_id) is None:
        raise ValidationFailed(fields={"community_id": "没有这个社区"})
    _validate(values)
    if values["starts_at"] <= clock.now():
        raise ValidationFailed("活动时间要在以后。")
    activity = Activity(organisation_id=org_id, created_by_id=actor.id, community_id=community_id,
                        latitude=latitude, longitude=longitude, status="open", signed_up_count=0,
                        version=1, **{k: values[k] for k in EDITABLE})
    session.add(activity)
    session.flush()
    return activity


def _own_activity(session: Session, *, actor: Person, activity_id: int) -> Activity:
    activity = session.scalars(select(Activity).where(Activity.id == activity_id).with_for_update()
                               .execution_options(populate_existing=True)).first()
    if activity is None:
        raise NotFound("没有找到这个活动。")
    _organisation_of(actor, activity.organisation_id)
    return activity


def _signed_up(session: Session, activity_id: int) -> list[int]:
    return list(session.scalars(select(ActivitySignup.volunteer_id).where(
        ActivitySignup.activity_id == activity_id, ActivitySignup.status == "signed_up")))


def update_activity(session: Session, *, actor: Person, activity_id: int, **changes: Any) -> Activity:
    """Change an activity and tell everyone signed up what changed."""
    activity = _own_activity(session, actor=actor, activity_id=activity_id)
    if activity.status != "open":
        raise InvalidTransition("活动已取消，不能修改。")
    values: dict[str, Any] = {
        k: getattr(activity, k) if changes.get(k) is None else changes[k] for k in EDITABLE}
    _validate(values)
    if values["capacity"] < activity.signed_up_count:
        raise ValidationFailed(f"已有{activity.signed_up_count}人报名，名额不能少于这个数。")
    for key, value in values.items():
        setattr(activity, key, value)
    activity.version += 1
    for person_id in _signed_up(session, activity.id):
        enqueue_notification(
            session, person_id=person_id, template="activity_changed",
            text=f"您报名的活动“{activity.title}”有变动：{_label(activity.starts_at)}，{activity.place}。",
            dedupe_key=f"activity:{activity.id}:v{activity.version}:{person_id}",
            facts={"activity": activity.title, "when": _label(activity.starts_at),
                   "place": activity.place})
    session.flush()
    return activity


def cancel_activity(session: Session, *, actor: Person, activity_id: int, reason: str) -> Activity:
    """Cancel an activity and tell everyone signed up."""
    activity = _own_activity(session, actor=actor, activity_id=activity_id)
    if activity.status != "open":
        raise InvalidTransition("这个活动已经取消了。")
    activity.status, activity.cancel_reason = "cancelled", reason[:200]
    for person_id in _signed_up(session, activity.id):
        enqueue_notification(
            session, person_id=person_id, template="activity_cancelled",
            text=f"很抱歉，活动“{activity.title}”（{_label(activity.starts_at)}）取消了：{reason}",
            dedupe_key=f"activity:{activity.id}:cancelled:{person_id}",
            facts={"activity": activity.title, "when": _label(activity.starts_at),
                   "reason": reason[:200]})
    session.flush()
    return activity


def list_activities(session: Session, *, actor: Person | None = None, upcoming_only: bool = True) -> list[Activity]:
    """Return open activities, soonest first (upcoming ones unless told otherwise)."""
    stmt = select(Activity).where(Activity.status == "open")
    if upcoming_only:
        stmt = stmt.where(Activity.starts_at > clock.now())
    return list(session.scalars(stmt.order_by(Activity.starts_at, Activity.id).limit(100)))


def get_signup(session: Session, *, activity_id: int, volunteer_id: int) -> ActivitySignup | None:
    """Return a volunteer's sign-up for an activity, if any."""
    return session.scalars(select(ActivitySignup).where(
        ActivitySignup.activity_id == activity_id, ActivitySignup.volunteer_id == volunteer_id)
        .execution_options(populate_existing=True)).first()


def _take_place(session: Session, activity_id: int) -> None:
    result = session.execute(
        update(Activity)
        .where(Activity.id == activity_id, Activity.status == "open",
               Activity.signed_up_count < Activity.capacity)
        .values(signed_up_count=Activity.signed_up_count + 1),
        execution_options={"synchronize_session": False})
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise ActivityFull()


def sign_up_for_activity(session: Session, *, actor: Person, activity_id: int) -> ActivitySignup:
    """Take a place on an activity (idempotent for someone already signed up)."""
    require_verified_volunteer(session, person_id=actor.id)
    activity = session.get(Activity, activity_id)
    if activity is None or activity.status != "open":
        raise NotFound("没有找到这个活动。")
    if clock.now() > activity.signup_deadline:
        raise SignupClosed()
    signup = get_signup(session, activity_id=activity_id, volunteer_id=actor.id)
    if signup is not None and signup.status != "withdrawn":
        return signup
    try:
        # The sign-up row and the place are taken together or not at all.
        with session.begin_nested():
            if signup is None:
                signup = ActivitySignup(activity_id=activity_id, volunteer_id=actor.id)
                session.add(signup)
            signup.status = "signed_up"
            session.flush()
            _take_place(session, activity_id)
    except IntegrityError:
        found = get_signup(session, activity_id=activity_id, volunteer_id=actor.id)
        assert found is not None
        return found
    session.expire(activity, ["signed_up_count"])
    return signup


def withdraw_from_activity(session: Session, *, actor: Person, activity_id: int) -> ActivitySignup:
    """Give a place back before the activity starts."""
    activity = session.get(Activity, activity_id)
    signup = get_signup(session, activity_id=activity_id, volunteer_id=actor.id)
    if activity is None or signup is None or signup.status != "signed_up":
        raise NotFound("您没有报名这个活动。")
    if clock.now() >= activity.starts_at:
        raise InvalidTransition("活动已经开始，不能退出了。")
    result = session.execute(
        update(ActivitySignup).where(ActivitySignup.id == signup.id, ActivitySignup.status == "signed_up")
        .values(status="withdrawn"), execution_options={"synchronize_session": False})
    if result.rowcount == 1:  # type: ignore[attr-defined]
        session.execute(update(Activity).where(Activity.id == activity_id)
                        .values(signed_up_count=Activity.signed_up_count - 1),
                        execution_options={"synchronize_session": False})
    session.expire_all()
    return session.get_one(ActivitySignup, signup.id)


def issue_attendance_code(session: Session, *, actor: Person, activity_id: int) -> str:
    """Make a fresh six-digit code to show at the venue (the old one stops working)."""
    activity = _own_activity(session, actor=actor, activity_id=activity_id)
    activity.attendance_code = f"{secrets.randbelow(1_000_000):06d}"
    session.flush()
    return activity.attendance_code


def _attendance_record(session: Session, activity: Activity, volunteer_id: int, actor: Person,
                       via: str) -> ServiceRecord:
    profile = require_verified_volunteer(session, person_id=volunteer_id)
    minutes = min(int((activity.ends_at - activity.starts_at).total_seconds() // 60), DAILY_CAP_MINUTES)
    day = activity.starts_at.astimezone(clock.LOCAL_TZ).date()
    end = activity.starts_at + timedelta(minutes=minutes)
    guard_overlap(session, volunteer_id=volunteer_id, start=activity.starts_at, end=end)
    guard_daily_cap(session, volunteer_id=volunteer_id, day=day, minutes=minutes)
    now = clock.now()
    record = ServiceRecord(
        volunteer_id=volunteer_id, activity_id=activity.id, community_id=activity.community_id
        or profile.community_id, source="activity", status="verified", service_day=day,
        started_at=activity.starts_at, ended_at=end, minutes=minutes, description=activity.title[:500],
        decided_by_id=actor.id, decided_at=now, decided_via=via)
    session.add(record)
    session.flush()
    mint_points_for_service(session, record=record, actor_id=actor.id, bonus=activity.points)
    return record


def record_attendance(session: Session, *, actor: Person, activity_id: int, code: str | None = None,
                      volunteer_id: int | None = None) -> ActivitySignup:
    """Mark attendance by the venue code (volunteer) or by the organiser; mint the points."""
    activity = session.get(Activity, activity_id)
    if activity is None or activity.status != "open":
        raise NotFound("没有找到这个活动。")
    if code is not None:
        now = clock.now()
        if not (activity.starts_at - CODE_EARLY <= now <= activity.ends_at + CODE_LATE):
            raise InvalidTransition("现在不是活动签到时间。")
        if not code or activity.attendance_code is None or not secrets.compare_digest(code, activity.attendance_code):
            raise WrongAttendanceCode()
        volunteer_id, via = actor.id, "code"
    else:
        _organisation_of(actor, activity.organisation_id)
        if volunteer_id is None:
            raise ValidationFailed("请告诉我是哪位志愿者。")
        if volunteer_id == actor.id:
            raise NotAllowed("不能给自己记签到。")
        via = "organiser"
    signup = get_signup(session, activity_id=activity_id, volunteer_id=volunteer_id)
    if signup is None or signup.status == "withdrawn":
        raise NotFound("没有这位志愿者的报名。")
    claimed = session.execute(
        update(ActivitySignup).where(ActivitySignup.id == signup.id, ActivitySignup.status == "signed_up")
        .values(status="attended", attended_at=clock.now()), execution_options={"synchronize_session": False})
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidTransition("已经签到过了。")
    record = _attendance_record(session, activity, volunteer_id, actor, via)
    session.execute(update(ActivitySignup).where(ActivitySignup.id == signup.id)
                    .values(service_record_id=record.id), execution_options={"synchronize_session": False})
    session.expire(signup)
    return signup


def remind_upcoming_activities(session: Session, *, now: datetime) -> int:
    """Remind signed-up volunteers 24 h and 2 h before; each reminder is queued once."""
    soon = session.scalars(select(Activity).where(
        Activity.status == "open", Activity.starts_at > now, Activity.starts_at <= now + timedelta(hours=24)))
    queued = 0
    for activity in soon:
        window = "2h" if activity.starts_at <= now + timedelta(hours=2) else "24h"
        stamp = int(activity.starts_at.timestamp())
        for person_id in _signed_up(session, activity.id):
            key = f"activity:{activity.id}:{stamp}:{window}:{person_id}"
            if session.scalar(select(Notification.id).where(Notification.dedupe_key == key)) is not None:
                continue
            enqueue_notification(
                session, person_id=person_id, template="activity_reminder", dedupe_key=key,
                text=f"提醒：您报名的“{activity.title}”{_label(activity.starts_at)}开始，"
                     f"地点：{activity.place}。",
                facts={"activity": activity.title, "place": activity.place,
                       "when": moment_words(activity.starts_at), "next": "请准时到，不能来请取消"})
            queued += 1
    return queued

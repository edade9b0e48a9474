"""Access-matrix rows for volunteering: service records, volunteer verification, activities."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from core import clock
from models.activities import Activity, ActivitySignup
from models.volunteers import ServiceRecord
from tests.e2e.access_rows_people import (
    EXTRA,
    OTHER_CHARITY_ADMIN,
    OTHER_VOLUNTEER,
    STAFF_OF_SUNSHINE,
    but,
    extra,
    org,
    person,
    sunshine,
)
from tests.volunteer_factories import make_activity, make_volunteer

RECORD_SECRET = "陪王奶奶去菜场-矩阵机密"
ACTIVITY_SECRET = "给独居老人包饺子-矩阵机密"
CODE = "246810"


def _record(status: str, *, needs_staff: bool = False):  # type: ignore[no-untyped-def]
    def make(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
        """张芳's service for 王秀英 in 阳光社区, in `status`."""
        extra(s, people)
        now = clock.now()
        record = ServiceRecord(
            volunteer_id=people["demo_volunteer_zhang"], beneficiary_id=people["demo_elder_wang"],
            community_id=sunshine(s, people).id, source="check_in", status=status,
            service_day=clock.today(), started_at=now - timedelta(hours=1),
            ended_at=None if status == "open" else now, minutes=0 if status == "open" else 60,
            description=RECORD_SECRET, needs_staff=needs_staff)
        s.add(record)
        s.flush()
        return record.id, [RECORD_SECRET]

    return make


def _pending_volunteer(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
    """Someone in 阳光社区 waiting for staff to verify their registration."""
    extra(s, people)
    volunteer = make_volunteer(s, community=sunshine(s, people), verified=False, name="郑待审")
    return volunteer.id, ["郑待审", volunteer.phone or ""]


def _activity(*, started: bool = False, signed_up: bool = False):  # type: ignore[no-untyped-def]
    def make(s: Session, people: dict[str, int]) -> tuple[int, list[str]]:
        """An activity of 示范县慈善总会 (周慈善's charity), optionally running with 张芳 signed up."""
        extra(s, people)
        starts = clock.now() - timedelta(minutes=10) if started else None
        activity: Activity = make_activity(
            s, organisation=org(s, "ORG-CS"), admin=person(s, people, "demo_charity_zhou"),
            starts_at=starts)
        activity.description = ACTIVITY_SECRET
        activity.attendance_code = CODE
        if signed_up:
            s.add(ActivitySignup(activity_id=activity.id, volunteer_id=people["demo_volunteer_zhang"],
                                 status="signed_up"))
            activity.signed_up_count = 1
        s.flush()
        return activity.id, [ACTIVITY_SECRET, CODE]

    return make


ORGANISER_ONLY = but("demo_charity_zhou", extra=EXTRA)
ROWS: list[dict[str, Any]] = [
    {"name": "service record check-out", "method": "POST",
     "path": "/api/v1/service-records/{id}/check-out", "make": _record("open"),
     "allowed": "demo_volunteer_zhang", "denied": but("demo_volunteer_zhang", extra=EXTRA)},
    {"name": "service record confirm (beneficiary)", "method": "POST",
     "path": "/api/v1/service-records/{id}/confirm", "make": _record("pending_confirmation"),
     "body": {"accepted": True}, "allowed": "demo_elder_wang",
     "denied": but("demo_elder_wang", "demo_family_wang", extra=EXTRA)},
    {"name": "service record confirm (proxy)", "method": "POST",
     "path": "/api/v1/service-records/{id}/confirm", "make": _record("pending_confirmation"),
     "body": {"accepted": False, "reason": "没来过"}, "allowed": "demo_family_wang",
     "denied": but("demo_elder_wang", "demo_family_wang", extra=EXTRA)},
    {"name": "service record verify (staff)", "method": "POST",
     "path": "/api/v1/staff/service-records/{id}/verify",
     "make": _record("pending_confirmation", needs_staff=True), "body": {"approve": True},
     "allowed": "demo_staff_liu", "denied": but(*STAFF_OF_SUNSHINE, extra=EXTRA)},
    {"name": "volunteer verify (staff)", "method": "POST",
     "path": "/api/v1/staff/volunteers/{id}/verify", "make": _pending_volunteer,
     "body": {"approve": True}, "allowed": "demo_staff_liu",
     "denied": but(*STAFF_OF_SUNSHINE, extra=EXTRA)},
    {"name": "activity edit", "method": "PATCH", "path": "/api/v1/activities/{id}",
     "make": _activity(), "body": {"place": "阳光社区活动室"}, "allowed": "demo_charity_zhou",
     "denied": ORGANISER_ONLY},
    {"name": "activity cancel", "method": "POST", "path": "/api/v1/activities/{id}/cancel",
     "make": _activity(), "body": {"reason": "天气不好"}, "allowed": "demo_charity_zhou",
     "denied": ORGANISER_ONLY},
    {"name": "activity attendance code", "method": "POST",
     "path": "/api/v1/activities/{id}/attendance-code", "make": _activity(),
     "allowed": "demo_charity_zhou", "denied": ORGANISER_ONLY},
    {"name": "activity sign-up (verified volunteers only)", "method": "POST",
     "path": "/api/v1/activities/{id}/signups", "make": _activity(),
     "allowed": "demo_volunteer_zhang",
     "denied": but("demo_volunteer_zhang", OTHER_VOLUNTEER, extra=EXTRA)},
    {"name": "activity withdraw (own sign-up only)", "method": "DELETE",
     "path": "/api/v1/activities/{id}/signups/mine", "make": _activity(signed_up=True),
     "allowed": "demo_volunteer_zhang", "denied": but("demo_volunteer_zhang", extra=EXTRA)},
    {"name": "activity attendance by code (own sign-up only)", "method": "POST",
     "path": "/api/v1/activities/{id}/attendance", "make": _activity(started=True, signed_up=True),
     "body": {"code": CODE}, "allowed": "demo_volunteer_zhang",
     "denied": but("demo_volunteer_zhang", extra=EXTRA)},
]
assert OTHER_CHARITY_ADMIN in ORGANISER_ONLY

"""Activity routes: list, post, edit, cancel, sign up, withdraw, attendance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import jsonify
from pydantic import AwareDatetime, Field

from miniprogram_api import bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.uow import db
from miniprogram_api.validation import Body, Query, parse_body, parse_query
from models.activities import Activity, ActivitySignup
from services import volunteers


class ActivityBody(Body):
    title: str = Field(min_length=1, max_length=64)
    description: str = Field(default="", max_length=2000)
    place: str = Field(min_length=1, max_length=128)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    signup_deadline: AwareDatetime
    capacity: int = Field(ge=1, le=10000)
    points: int = Field(default=0, ge=0, le=1000)
    organisation_id: int | None = None
    community_id: int | None = None
    latitude: float | None = Field(default=None, ge=-90, le=90)
    longitude: float | None = Field(default=None, ge=-180, le=180)


class ActivityChanges(Body):
    title: str | None = Field(default=None, min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=2000)
    place: str | None = Field(default=None, min_length=1, max_length=128)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    signup_deadline: AwareDatetime | None = None
    capacity: int | None = Field(default=None, ge=1, le=10000)
    points: int | None = Field(default=None, ge=0, le=1000)


class CancelBody(Body):
    reason: str = Field(min_length=1, max_length=200)


class AttendanceBody(Body):
    code: str | None = Field(default=None, min_length=4, max_length=12)
    volunteer_id: int | None = None


class ActivityQuery(Query):
    upcoming_only: bool = True


def _iso(at: datetime) -> str:
    return at.isoformat()


def activity_json(activity: Activity) -> dict[str, Any]:
    return {"id": activity.id, "title": activity.title, "description": activity.description,
            "place": activity.place, "starts_at": _iso(activity.starts_at), "ends_at": _iso(activity.ends_at),
            "signup_deadline": _iso(activity.signup_deadline), "capacity": activity.capacity,
            "signed_up": activity.signed_up_count, "places_left": activity.capacity - activity.signed_up_count,
            "points": activity.points, "status": activity.status, "organisation_id": activity.organisation_id}


def signup_json(signup: ActivitySignup) -> dict[str, Any]:
    return {"id": signup.id, "activity_id": signup.activity_id, "volunteer_id": signup.volunteer_id,
            "status": signup.status, "service_record_id": signup.service_record_id}


@bp.get("/activities")
@login_required
def list_activities() -> Any:
    """List open activities, soonest first."""
    args = parse_query(ActivityQuery)
    found = volunteers.list_activities(db(), actor=current_person(), upcoming_only=args.upcoming_only)
    return jsonify({"items": [activity_json(a) for a in found]})


@bp.post("/activities")
@login_required
@idempotent
def post_activity() -> Any:
    """Publish an activity for the caller's charity."""
    body = parse_body(ActivityBody)
    activity = volunteers.post_activity(db(), actor=current_person(), **body.model_dump())
    return jsonify(activity_json(activity)), 201


@bp.patch("/activities/<int:activity_id>")
@login_required
def update_activity(activity_id: int) -> Any:
    """Change an activity; signed-up volunteers are told."""
    changes = parse_body(ActivityChanges).model_dump(exclude_none=True)
    activity = volunteers.update_activity(db(), actor=current_person(), activity_id=activity_id, **changes)
    return jsonify(activity_json(activity))


@bp.post("/activities/<int:activity_id>/cancel")
@login_required
def cancel_activity(activity_id: int) -> Any:
    """Cancel an activity; signed-up volunteers are told."""
    body = parse_body(CancelBody)
    activity = volunteers.cancel_activity(db(), actor=current_person(), activity_id=activity_id,
                                          reason=body.reason)
    return jsonify(activity_json(activity))


@bp.post("/activities/<int:activity_id>/signups")
@login_required
def sign_up_for_activity(activity_id: int) -> Any:
    """Take a place on an activity."""
    signup = volunteers.sign_up_for_activity(db(), actor=current_person(), activity_id=activity_id)
    return jsonify(signup_json(signup)), 201


@bp.delete("/activities/<int:activity_id>/signups/mine")
@login_required
def withdraw_from_activity(activity_id: int) -> Any:
    """Give a place back."""
    signup = volunteers.withdraw_from_activity(db(), actor=current_person(), activity_id=activity_id)
    return jsonify(signup_json(signup))


@bp.post("/activities/<int:activity_id>/attendance-code")
@login_required
def issue_attendance_code(activity_id: int) -> Any:
    """Make a fresh code for the organiser to show at the venue."""
    code = volunteers.issue_attendance_code(db(), actor=current_person(), activity_id=activity_id)
    return jsonify({"code": code}), 201


@bp.post("/activities/<int:activity_id>/attendance")
@login_required
def record_attendance(activity_id: int) -> Any:
    """Mark attendance by the venue code or as the organiser; points follow."""
    body = parse_body(AttendanceBody)
    signup = volunteers.record_attendance(db(), actor=current_person(), activity_id=activity_id,
                                          code=body.code, volunteer_id=body.volunteer_id)
    return jsonify(signup_json(signup))

"""Activity routes: list, post, edit, cancel, sign up, withdraw, attendance."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from core.uow import db
from core.validation import Body, Moment, Query, reply
from miniprogram_api import MAX_ID, bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from models.activities import Activity, ActivitySignup
from services import volunteers

# Ids in bodies and queries fit an INTEGER column, like path ids.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ActivityBody(Body):
    title: str = Field(min_length=1, max_length=64)
    description: str = Field(default="", max_length=2000)
    place: str = Field(min_length=1, max_length=128)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    signup_deadline: AwareDatetime
    capacity: int = Field(ge=1, le=10000)
    points: int = Field(default=0, ge=0, le=1000)
    organisation_id: Id | None = None
    community_id: Id | None = None
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
    volunteer_id: Id | None = None


class ActivityQuery(Query):
    upcoming_only: bool = True


class ActivityOut(BaseModel):
    id: int
    title: str
    description: str
    place: str
    starts_at: Moment
    ends_at: Moment
    signup_deadline: Moment
    capacity: int
    signed_up: int
    places_left: int
    points: int
    status: Literal["open", "cancelled"]
    organisation_id: int

    @classmethod
    def of(cls, activity: Activity) -> ActivityOut:
        return cls(
            id=activity.id, title=activity.title, description=activity.description,
            place=activity.place, starts_at=activity.starts_at, ends_at=activity.ends_at,
            signup_deadline=activity.signup_deadline, capacity=activity.capacity,
            signed_up=activity.signed_up_count,
            places_left=activity.capacity - activity.signed_up_count, points=activity.points,
            status=activity.status, organisation_id=activity.organisation_id)


class ActivityList(BaseModel):
    items: list[ActivityOut]


class SignupOut(BaseModel):
    id: int
    activity_id: int
    volunteer_id: int
    status: Literal["signed_up", "withdrawn", "attended"]
    service_record_id: int | None

    @classmethod
    def of(cls, signup: ActivitySignup) -> SignupOut:
        return cls(id=signup.id, activity_id=signup.activity_id, volunteer_id=signup.volunteer_id,
                   status=signup.status, service_record_id=signup.service_record_id)


class AttendanceCodeOut(BaseModel):
    code: str = Field(description="现场出示给志愿者的签到码")


@bp.get("/activities")
@login_required
@api_doc(summary="可报名的活动", query=ActivityQuery, response=ActivityList)
def list_activities(query: ActivityQuery) -> Any:
    """List open activities, soonest first."""
    found = volunteers.list_activities(db(), actor=current_person(), upcoming_only=query.upcoming_only)
    return reply(ActivityList(items=[ActivityOut.of(a) for a in found]))


@bp.post("/activities")
@login_required
@idempotent
@api_doc(summary="慈善组织发布活动", body=ActivityBody, response=ActivityOut, status=201)
def post_activity(body: ActivityBody) -> Any:
    """Publish an activity for the caller's charity."""
    activity = volunteers.post_activity(db(), actor=current_person(), **body.model_dump())
    return reply(ActivityOut.of(activity), 201)


@bp.patch("/activities/<int:activity_id>")
@login_required
@api_doc(summary="修改活动（通知已报名的志愿者）", body=ActivityChanges, response=ActivityOut)
def update_activity(activity_id: int, body: ActivityChanges) -> Any:
    """Change an activity; signed-up volunteers are told."""
    changes = body.model_dump(exclude_none=True)
    activity = volunteers.update_activity(db(), actor=current_person(), activity_id=activity_id, **changes)
    return reply(ActivityOut.of(activity))


@bp.post("/activities/<int:activity_id>/cancel")
@login_required
@api_doc(summary="取消活动（通知已报名的志愿者）", body=CancelBody, response=ActivityOut)
def cancel_activity(activity_id: int, body: CancelBody) -> Any:
    """Cancel an activity; signed-up volunteers are told."""
    activity = volunteers.cancel_activity(db(), actor=current_person(), activity_id=activity_id,
                                          reason=body.reason)
    return reply(ActivityOut.of(activity))


@bp.post("/activities/<int:activity_id>/signups")
@login_required
@api_doc(summary="报名参加活动", response=SignupOut, status=201)
def sign_up_for_activity(activity_id: int) -> Any:
    """Take a place on an activity."""
    signup = volunteers.sign_up_for_activity(db(), actor=current_person(), activity_id=activity_id)
    return reply(SignupOut.of(signup), 201)


@bp.delete("/activities/<int:activity_id>/signups/mine")
@login_required
@api_doc(summary="退出活动报名", response=SignupOut)
def withdraw_from_activity(activity_id: int) -> Any:
    """Give a place back."""
    signup = volunteers.withdraw_from_activity(db(), actor=current_person(), activity_id=activity_id)
    return reply(SignupOut.of(signup))


@bp.post("/activities/<int:activity_id>/attendance-code")
@login_required
@api_doc(summary="生成现场签到码", response=AttendanceCodeOut, status=201)
def issue_attendance_code(activity_id: int) -> Any:
    """Make a fresh code for the organiser to show at the venue."""
    code = volunteers.issue_attendance_code(db(), actor=current_person(), activity_id=activity_id)
    return reply(AttendanceCodeOut(code=code), 201)


@bp.post("/activities/<int:activity_id>/attendance")
@login_required
@api_doc(summary="活动签到（签到码或组织者代记），积分随之发放", body=AttendanceBody, response=SignupOut)
def record_attendance(activity_id: int, body: AttendanceBody) -> Any:
    """Mark attendance by the venue code or as the organiser; points follow."""
    signup = volunteers.record_attendance(db(), actor=current_person(), activity_id=activity_id,
                                          code=body.code, volunteer_id=body.volunteer_id)
    return reply(SignupOut.of(signup))

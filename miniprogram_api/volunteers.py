"""Volunteer routes: registration, service records, points, rewards, leaderboard, staff checks."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core import clock
from core.errors import ValidationFailed
from core.uow import db
from core.validation import Body, Moment, Query, reply
from miniprogram_api import MAX_ID, bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from miniprogram_api.pagination import Page, PageQuery
from services import volunteers

# Ids in bodies and queries fit an INTEGER column, like path ids.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class RegisterBody(Body):
    skills: list[str] = Field(min_length=1, max_length=10)
    community_id: Id | None = None
    availability: str | None = Field(default=None, max_length=200)
    anonymous_on_leaderboard: bool | None = None


class CheckInBody(Body):
    beneficiary_id: Id | None = None
    help_request_id: Id | None = None
    activity_id: Id | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)


class LogBody(Body):
    day: date
    hours: float = Field(gt=0, le=12)
    description: str = Field(min_length=1, max_length=500)
    beneficiary_id: Id | None = None


class DecisionBody(Body):
    approve: bool
    reason: str | None = Field(default=None, max_length=200)


class ConfirmBody(Body):
    accepted: bool
    reason: str | None = Field(default=None, max_length=200)


class RedeemBody(Body):
    reward_id: Id
    quantity: int = Field(default=1, ge=1, le=10)
    client_key: str | None = Field(default=None, min_length=8, max_length=128)


class MonthQuery(Query):
    month: str | None = None
    community_id: Id | None = None


class VolunteerOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    person_id: int
    community_id: int | None
    skills: list[str]
    availability: str | None
    status: Literal["pending", "verified", "rejected"]
    anonymous_on_leaderboard: bool


class ServiceRecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    status: Literal["open", "pending_confirmation", "verified", "rejected"]
    source: Literal["check_in", "logged", "activity"]
    service_day: date
    hours: float
    beneficiary_id: int | None
    activity_id: int | None
    help_request_id: int | None
    description: str | None
    started_at: Moment | None
    ended_at: Moment | None
    flagged: bool
    needs_staff: bool = Field(description="老人有异议或未确认，等社工核实")


class ServiceRecordList(BaseModel):
    items: list[ServiceRecordOut]


class PointsOut(BaseModel):
    balance: int


class PointsEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    amount: int = Field(description="正数为获得，负数为花掉")
    kind: Literal["service", "redemption", "reversal"]
    memo: str
    created_at: Moment


class RewardOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str | None
    points_cost: int
    stock: int


class RewardList(BaseModel):
    items: list[RewardOut]


class RedemptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reward_id: int
    quantity: int
    points: int
    status: str
    created_at: Moment


class LeaderboardRowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    rank: int
    person_id: int | None = Field(description="匿名上榜时为 null")
    name: str
    hours: float
    points: int


class LeaderboardOut(BaseModel):
    month: str
    community_id: int
    items: list[LeaderboardRowOut]


@bp.post("/volunteers")
@login_required
@idempotent
@api_doc(summary="登记成为志愿者（社工审核后积分才生效）", body=RegisterBody, response=VolunteerOut, status=201)
def register_volunteer(body: RegisterBody) -> Any:
    """Register the caller as a volunteer (staff verify before points count)."""
    person = current_person()
    profile = volunteers.register_volunteer(db(), actor=person, skills=body.skills,
                                            community_id=body.community_id, availability=body.availability)
    if body.anonymous_on_leaderboard is not None:
        volunteers.set_leaderboard_anonymity(db(), actor=person, anonymous=body.anonymous_on_leaderboard)
    return reply(VolunteerOut.model_validate(profile), 201)


@bp.post("/staff/volunteers/<int:volunteer_id>/verify")
@login_required
@api_doc(summary="社工审核志愿者登记", body=DecisionBody, response=VolunteerOut)
def verify_volunteer(volunteer_id: int, body: DecisionBody) -> Any:
    """Approve or refuse a volunteer registration."""
    profile = volunteers.verify_volunteer(db(), actor=current_person(), volunteer_id=volunteer_id,
                                          approve=body.approve, reason=body.reason)
    return reply(VolunteerOut.model_validate(profile))


@bp.post("/service-records/check-in")
@login_required
@idempotent
@api_doc(summary="服务签到（开始服务）", body=CheckInBody, response=ServiceRecordOut, status=201)
def check_in(body: CheckInBody) -> Any:
    """Start a service now."""
    record = volunteers.check_in(db(), actor=current_person(), **body.model_dump())
    return reply(ServiceRecordOut.model_validate(record), 201)


@bp.post("/service-records/<int:record_id>/check-out")
@login_required
@api_doc(summary="服务签退", response=ServiceRecordOut)
def check_out(record_id: int) -> Any:
    """End a service that is in progress."""
    record = volunteers.check_out(db(), actor=current_person(), record_id=record_id)
    return reply(ServiceRecordOut.model_validate(record))


@bp.post("/service-records")
@login_required
@idempotent
@api_doc(summary="补记一次服务", body=LogBody, response=ServiceRecordOut, status=201)
def log_service(body: LogBody) -> Any:
    """Record a service after the fact."""
    record = volunteers.log_service(db(), actor=current_person(), **body.model_dump())
    return reply(ServiceRecordOut.model_validate(record), 201)


@bp.get("/service-records")
@login_required
@api_doc(summary="我的服务记录", query=PageQuery, response=Page[ServiceRecordOut])
def list_service_records(query: PageQuery) -> Any:
    """List the caller's service records, newest first."""
    found = volunteers.list_my_service_records(db(), actor=current_person(), limit=query.limit + 1,
                                               cursor=query.cursor)
    return reply(Page[ServiceRecordOut].of([ServiceRecordOut.model_validate(r) for r in found],
                                          limit=query.limit))


@bp.post("/service-records/<int:record_id>/confirm")
@login_required
@api_doc(summary="老人（或代办人）确认服务记录", body=ConfirmBody, response=ServiceRecordOut)
def confirm_service_record(record_id: int, body: ConfirmBody) -> Any:
    """Confirm (or dispute) a service as its beneficiary."""
    record = volunteers.confirm_service_record(db(), actor=current_person(), record_id=record_id,
                                               accepted=body.accepted, reason=body.reason)
    return reply(ServiceRecordOut.model_validate(record))


@bp.get("/staff/service-records")
@login_required
@api_doc(summary="等社工核实的服务记录", response=ServiceRecordList)
def list_staff_service_records() -> Any:
    """List the service records waiting for a staff decision."""
    found = volunteers.list_records_awaiting_staff(db(), actor=current_person())
    return reply(ServiceRecordList(items=[ServiceRecordOut.model_validate(r) for r in found]))


@bp.post("/staff/service-records/<int:record_id>/verify")
@login_required
@api_doc(summary="社工核实服务记录", body=DecisionBody, response=ServiceRecordOut)
def verify_service_record(record_id: int, body: DecisionBody) -> Any:
    """Approve or reject a service record as staff."""
    record = volunteers.verify_service_record(db(), actor=current_person(), record_id=record_id,
                                              approve=body.approve, reason=body.reason)
    return reply(ServiceRecordOut.model_validate(record))


@bp.get("/points")
@login_required
@api_doc(summary="我的积分余额", response=PointsOut)
def get_points() -> Any:
    """Show the caller's points balance."""
    person = current_person()
    return reply(PointsOut(balance=volunteers.get_points_balance(db(), person_id=person.id)))


@bp.get("/points/entries")
@login_required
@api_doc(summary="我的积分明细", query=PageQuery, response=Page[PointsEntryOut])
def list_points_entries(query: PageQuery) -> Any:
    """List the caller's points entries, newest first."""
    lines = volunteers.list_points_entries(db(), person_id=current_person().id, limit=query.limit + 1,
                                           cursor=query.cursor)
    return reply(Page[PointsEntryOut].of([PointsEntryOut.model_validate(line) for line in lines],
                                         limit=query.limit))


@bp.get("/rewards")
@login_required
@api_doc(summary="可兑换的奖励", response=RewardList)
def list_rewards() -> Any:
    """List the rewards points can buy."""
    return reply(RewardList(items=[RewardOut.model_validate(r) for r in volunteers.list_rewards(db())]))


@bp.post("/redemptions")
@login_required
@idempotent
@api_doc(summary="用积分兑换奖励", body=RedeemBody, response=RedemptionOut, status=201)
def redeem_reward(body: RedeemBody) -> Any:
    """Spend points on a reward; the client key (or Idempotency-Key) makes retries safe."""
    from flask import request

    client_key = body.client_key or request.headers.get("Idempotency-Key")
    if not client_key:
        raise ValidationFailed("请带上 Idempotency-Key，避免重复兑换。")
    redemption = volunteers.redeem_reward(db(), actor=current_person(), reward_id=body.reward_id,
                                          quantity=body.quantity, client_key=client_key)
    return reply(RedemptionOut.model_validate(redemption), 201)


@bp.get("/leaderboard")
@login_required
@api_doc(summary="社区志愿者月度排行榜", query=MonthQuery, response=LeaderboardOut)
def get_leaderboard(query: MonthQuery) -> Any:
    """Show a community's volunteer leaderboard for a month."""
    person = current_person()
    community_id = query.community_id or person.community_id
    if community_id is None:
        raise ValidationFailed("请选择社区。")
    month = query.month or clock.today().strftime("%Y-%m")
    rows = volunteers.get_leaderboard(db(), community_id=community_id, month=month)
    return reply(LeaderboardOut(month=month, community_id=community_id,
                                items=[LeaderboardRowOut.model_validate(r) for r in rows]))

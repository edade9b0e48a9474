"""Volunteer routes: registration, service records, points, rewards, leaderboard, staff checks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from flask import jsonify
from pydantic import BaseModel, Field

from core import clock
from core.errors import ValidationFailed
from core.validation import Body, Query, parse_body, parse_query
from miniprogram_api import MAX_ID, bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from miniprogram_api.pagination import Page, PageQuery, page, page_args
from miniprogram_api.uow import db
from models.volunteers import Redemption, Reward, ServiceRecord, VolunteerProfile
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
    person_id: int
    community_id: int | None
    skills: list[str]
    availability: str | None
    status: Literal["pending", "verified", "rejected"]
    anonymous_on_leaderboard: bool


class ServiceRecordOut(BaseModel):
    id: int
    status: Literal["open", "pending_confirmation", "verified", "rejected"]
    source: Literal["check_in", "logged", "activity"]
    service_day: date
    hours: float
    beneficiary_id: int | None
    activity_id: int | None
    help_request_id: int | None
    description: str | None
    started_at: datetime | None
    ended_at: datetime | None
    flagged: bool
    needs_staff: bool = Field(description="老人有异议或未确认，等社工核实")


class ServiceRecordList(BaseModel):
    items: list[ServiceRecordOut]


class PointsOut(BaseModel):
    balance: int


class PointsEntryOut(BaseModel):
    id: int
    amount: int = Field(description="正数为获得，负数为花掉")
    kind: Literal["service", "redemption", "reversal"]
    memo: str
    created_at: datetime


class RewardOut(BaseModel):
    id: int
    name: str
    description: str | None
    points_cost: int
    stock: int


class RewardList(BaseModel):
    items: list[RewardOut]


class RedemptionOut(BaseModel):
    id: int
    reward_id: int
    quantity: int
    points: int
    status: str
    created_at: datetime


class LeaderboardRowOut(BaseModel):
    rank: int
    person_id: int | None = Field(description="匿名上榜时为 null")
    name: str
    hours: float
    points: int


class LeaderboardOut(BaseModel):
    month: str
    community_id: int
    items: list[LeaderboardRowOut]


def profile_json(profile: VolunteerProfile) -> dict[str, Any]:
    return {"person_id": profile.person_id, "community_id": profile.community_id,
            "skills": profile.skills, "availability": profile.availability, "status": profile.status,
            "anonymous_on_leaderboard": profile.anonymous_on_leaderboard}


def record_json(record: ServiceRecord) -> dict[str, Any]:
    return {"id": record.id, "status": record.status, "source": record.source,
            "service_day": record.service_day.isoformat(), "hours": record.hours,
            "beneficiary_id": record.beneficiary_id, "activity_id": record.activity_id,
            "help_request_id": record.help_request_id, "description": record.description,
            "started_at": record.started_at.isoformat() if record.started_at else None,
            "ended_at": record.ended_at.isoformat() if record.ended_at else None,
            "flagged": record.flagged, "needs_staff": record.needs_staff}


def reward_json(reward: Reward) -> dict[str, Any]:
    return {"id": reward.id, "name": reward.name, "description": reward.description,
            "points_cost": reward.points_cost, "stock": reward.stock}


def redemption_json(redemption: Redemption) -> dict[str, Any]:
    return {"id": redemption.id, "reward_id": redemption.reward_id, "quantity": redemption.quantity,
            "points": redemption.points, "status": redemption.status,
            "created_at": redemption.created_at.isoformat()}


@bp.post("/volunteers")
@api_doc(summary="登记成为志愿者（社工审核后积分才生效）", body=RegisterBody, response=VolunteerOut, status=201)
@login_required
@idempotent
def register_volunteer() -> Any:
    """Register the caller as a volunteer (staff verify before points count)."""
    body = parse_body(RegisterBody)
    person = current_person()
    profile = volunteers.register_volunteer(db(), actor=person, skills=body.skills,
                                            community_id=body.community_id, availability=body.availability)
    if body.anonymous_on_leaderboard is not None:
        volunteers.set_leaderboard_anonymity(db(), actor=person, anonymous=body.anonymous_on_leaderboard)
    return jsonify(profile_json(profile)), 201


@bp.post("/staff/volunteers/<int:volunteer_id>/verify")
@api_doc(summary="社工审核志愿者登记", body=DecisionBody, response=VolunteerOut)
@login_required
def verify_volunteer(volunteer_id: int) -> Any:
    """Approve or refuse a volunteer registration."""
    body = parse_body(DecisionBody)
    profile = volunteers.verify_volunteer(db(), actor=current_person(), volunteer_id=volunteer_id,
                                          approve=body.approve, reason=body.reason)
    return jsonify(profile_json(profile))


@bp.post("/service-records/check-in")
@api_doc(summary="服务签到（开始服务）", body=CheckInBody, response=ServiceRecordOut, status=201)
@login_required
@idempotent
def check_in() -> Any:
    """Start a service now."""
    body = parse_body(CheckInBody)
    record = volunteers.check_in(db(), actor=current_person(), **body.model_dump())
    return jsonify(record_json(record)), 201


@bp.post("/service-records/<int:record_id>/check-out")
@api_doc(summary="服务签退", response=ServiceRecordOut)
@login_required
def check_out(record_id: int) -> Any:
    """End a service that is in progress."""
    record = volunteers.check_out(db(), actor=current_person(), record_id=record_id)
    return jsonify(record_json(record))


@bp.post("/service-records")
@api_doc(summary="补记一次服务", body=LogBody, response=ServiceRecordOut, status=201)
@login_required
@idempotent
def log_service() -> Any:
    """Record a service after the fact."""
    body = parse_body(LogBody)
    record = volunteers.log_service(db(), actor=current_person(), **body.model_dump())
    return jsonify(record_json(record)), 201


@bp.get("/service-records")
@api_doc(summary="我的服务记录", query=PageQuery, response=Page[ServiceRecordOut])
@login_required
def list_service_records() -> Any:
    """List the caller's service records, newest first."""
    args = page_args()
    found = volunteers.list_my_service_records(db(), actor=current_person(), limit=args.limit + 1,
                                               cursor=args.cursor)
    return jsonify(page([record_json(r) for r in found], limit=args.limit))


@bp.post("/service-records/<int:record_id>/confirm")
@api_doc(summary="老人（或代办人）确认服务记录", body=ConfirmBody, response=ServiceRecordOut)
@login_required
def confirm_service_record(record_id: int) -> Any:
    """Confirm (or dispute) a service as its beneficiary."""
    body = parse_body(ConfirmBody)
    record = volunteers.confirm_service_record(db(), actor=current_person(), record_id=record_id,
                                               accepted=body.accepted, reason=body.reason)
    return jsonify(record_json(record))


@bp.get("/staff/service-records")
@api_doc(summary="等社工核实的服务记录", response=ServiceRecordList)
@login_required
def list_staff_service_records() -> Any:
    """List the service records waiting for a staff decision."""
    found = volunteers.list_records_awaiting_staff(db(), actor=current_person())
    return jsonify({"items": [record_json(r) for r in found]})


@bp.post("/staff/service-records/<int:record_id>/verify")
@api_doc(summary="社工核实服务记录", body=DecisionBody, response=ServiceRecordOut)
@login_required
def verify_service_record(record_id: int) -> Any:
    """Approve or reject a service record as staff."""
    body = parse_body(DecisionBody)
    record = volunteers.verify_service_record(db(), actor=current_person(), record_id=record_id,
                                              approve=body.approve, reason=body.reason)
    return jsonify(record_json(record))


@bp.get("/points")
@api_doc(summary="我的积分余额", response=PointsOut)
@login_required
def get_points() -> Any:
    """Show the caller's points balance."""
    person = current_person()
    return jsonify({"balance": volunteers.get_points_balance(db(), person_id=person.id)})


@bp.get("/points/entries")
@api_doc(summary="我的积分明细", query=PageQuery, response=Page[PointsEntryOut])
@login_required
def list_points_entries() -> Any:
    """List the caller's points entries, newest first."""
    args = page_args()
    lines = volunteers.list_points_entries(db(), person_id=current_person().id, limit=args.limit + 1,
                                           cursor=args.cursor)
    items = [{"id": line.id, "amount": line.amount, "kind": line.kind, "memo": line.memo,
              "created_at": line.created_at.isoformat()} for line in lines]
    return jsonify(page(items, limit=args.limit))


@bp.get("/rewards")
@api_doc(summary="可兑换的奖励", response=RewardList)
@login_required
def list_rewards() -> Any:
    """List the rewards points can buy."""
    return jsonify({"items": [reward_json(r) for r in volunteers.list_rewards(db())]})


@bp.post("/redemptions")
@api_doc(summary="用积分兑换奖励", body=RedeemBody, response=RedemptionOut, status=201)
@login_required
@idempotent
def redeem_reward() -> Any:
    """Spend points on a reward; the client key (or Idempotency-Key) makes retries safe."""
    from flask import request

    body = parse_body(RedeemBody)
    client_key = body.client_key or request.headers.get("Idempotency-Key")
    if not client_key:
        raise ValidationFailed("请带上 Idempotency-Key，避免重复兑换。")
    redemption = volunteers.redeem_reward(db(), actor=current_person(), reward_id=body.reward_id,
                                          quantity=body.quantity, client_key=client_key)
    return jsonify(redemption_json(redemption)), 201


@bp.get("/leaderboard")
@api_doc(summary="社区志愿者月度排行榜", query=MonthQuery, response=LeaderboardOut)
@login_required
def get_leaderboard() -> Any:
    """Show a community's volunteer leaderboard for a month."""
    args = parse_query(MonthQuery)
    person = current_person()
    community_id = args.community_id or person.community_id
    if community_id is None:
        raise ValidationFailed("请选择社区。")
    month = args.month or clock.today().strftime("%Y-%m")
    rows = volunteers.get_leaderboard(db(), community_id=community_id, month=month)
    return jsonify({"month": month, "community_id": community_id, "items": [
        {"rank": r.rank, "person_id": r.person_id, "name": r.name, "hours": r.hours, "points": r.points}
        for r in rows]})

"""Volunteer routes: registration, service records, points, rewards, leaderboard, staff checks."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify
from pydantic import Field

from core import clock
from core.errors import ValidationFailed
from miniprogram_api import bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.pagination import page, page_args
from miniprogram_api.uow import db
from miniprogram_api.validation import Body, Query, parse_body, parse_query
from models.volunteers import Redemption, Reward, ServiceRecord, VolunteerProfile
from services import volunteers


class RegisterBody(Body):
    skills: list[str] = Field(min_length=1, max_length=10)
    community_id: int | None = None
    availability: str | None = Field(default=None, max_length=200)
    anonymous_on_leaderboard: bool | None = None


class CheckInBody(Body):
    beneficiary_id: int | None = None
    help_request_id: int | None = None
    activity_id: int | None = None
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)


class LogBody(Body):
    day: date
    hours: float = Field(gt=0, le=12)
    description: str = Field(min_length=1, max_length=500)
    beneficiary_id: int | None = None


class DecisionBody(Body):
    approve: bool
    reason: str | None = Field(default=None, max_length=200)


class ConfirmBody(Body):
    accepted: bool
    reason: str | None = Field(default=None, max_length=200)


class RedeemBody(Body):
    reward_id: int
    quantity: int = Field(default=1, ge=1, le=10)
    client_key: str | None = Field(default=None, min_length=8, max_length=128)


class MonthQuery(Query):
    month: str | None = None
    community_id: int | None = None


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
@login_required
def verify_volunteer(volunteer_id: int) -> Any:
    """Approve or refuse a volunteer registration."""
    body = parse_body(DecisionBody)
    profile = volunteers.verify_volunteer(db(), actor=current_person(), volunteer_id=volunteer_id,
                                          approve=body.approve, reason=body.reason)
    return jsonify(profile_json(profile))


@bp.post("/service-records/check-in")
@login_required
@idempotent
def check_in() -> Any:
    """Start a service now."""
    body = parse_body(CheckInBody)
    record = volunteers.check_in(db(), actor=current_person(), **body.model_dump())
    return jsonify(record_json(record)), 201


@bp.post("/service-records/<int:record_id>/check-out")
@login_required
def check_out(record_id: int) -> Any:
    """End a service that is in progress."""
    record = volunteers.check_out(db(), actor=current_person(), record_id=record_id)
    return jsonify(record_json(record))


@bp.post("/service-records")
@login_required
@idempotent
def log_service() -> Any:
    """Record a service after the fact."""
    body = parse_body(LogBody)
    record = volunteers.log_service(db(), actor=current_person(), **body.model_dump())
    return jsonify(record_json(record)), 201


@bp.get("/service-records")
@login_required
def list_service_records() -> Any:
    """List the caller's service records, newest first."""
    args = page_args()
    found = volunteers.list_my_service_records(db(), actor=current_person(), limit=args.limit + 1,
                                               cursor=args.cursor)
    return jsonify(page([record_json(r) for r in found], limit=args.limit))


@bp.post("/service-records/<int:record_id>/confirm")
@login_required
def confirm_service_record(record_id: int) -> Any:
    """Confirm (or dispute) a service as its beneficiary."""
    body = parse_body(ConfirmBody)
    record = volunteers.confirm_service_record(db(), actor=current_person(), record_id=record_id,
                                               accepted=body.accepted, reason=body.reason)
    return jsonify(record_json(record))


@bp.get("/staff/service-records")
@login_required
def list_staff_service_records() -> Any:
    """List the service records waiting for a staff decision."""
    found = volunteers.list_records_awaiting_staff(db(), actor=current_person())
    return jsonify({"items": [record_json(r) for r in found]})


@bp.post("/staff/service-records/<int:record_id>/verify")
@login_required
def verify_service_record(record_id: int) -> Any:
    """Approve or reject a service record as staff."""
    body = parse_body(DecisionBody)
    record = volunteers.verify_service_record(db(), actor=current_person(), record_id=record_id,
                                              approve=body.approve, reason=body.reason)
    return jsonify(record_json(record))


@bp.get("/points")
@login_required
def get_points() -> Any:
    """Show the caller's points balance."""
    person = current_person()
    return jsonify({"balance": volunteers.get_points_balance(db(), person_id=person.id)})


@bp.get("/points/entries")
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
@login_required
def list_rewards() -> Any:
    """List the rewards points can buy."""
    return jsonify({"items": [reward_json(r) for r in volunteers.list_rewards(db())]})


@bp.post("/redemptions")
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

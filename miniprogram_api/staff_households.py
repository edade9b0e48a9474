"""Staff routes: households by risk, and a household's 家庭经济状况核对 (record, propose, decide)."""

from __future__ import annotations

from typing import Annotated, Any

from flask import jsonify
from pydantic import BaseModel, Field

from core.validation import Body, Query, parse_body, parse_query
from miniprogram_api import MAX_ID, bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from miniprogram_api.uow import db
from models.assistance import HouseholdCheck
from models.person import TIER_NAMES
from services import assistance, household_signals

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Fen = Annotated[int, Field(ge=0, lt=assistance.MAX_FEN)]


class CommunityQuery(Query):
    community_id: Id


class MemberIn(BaseModel):
    person_id: Id
    income: dict[str, Fen] = Field(default_factory=dict, description="元/月，单位分：wage pension other_income")
    assets: dict[str, Fen] = Field(default_factory=dict, description="单位分：deposit")
    expenses: dict[str, Fen] = Field(default_factory=dict, description="近12个月，单位分：medical education")
    situations: list[str] = Field(default_factory=list, max_length=4,
                                  description="serious_illness lost_work no_work_capacity no_supporter")


class CheckBody(Body):
    members: list[MemberIn] = Field(min_length=1, max_length=20)


class DecisionBody(Body):
    tier: str | None = Field(max_length=32, description="null 或 \"none\" 为不认定")
    reason: str = Field(default="", max_length=500)


class HouseholdSignalOut(BaseModel):
    code: str
    name: str
    level: str
    summary: str
    person_id: int
    at: str


class HouseholdRiskOut(BaseModel):
    household_id: int
    head_name: str
    members: int
    level: str
    signals: list[HouseholdSignalOut]


class HouseholdRiskList(BaseModel):
    items: list[HouseholdRiskOut]


class CheckOut(BaseModel):
    id: int
    household_id: int
    figures: dict[str, int]
    proposed_tier: str | None
    proposed_tier_name: str
    proposal_reason: str
    status: str
    tier: str | None
    override_reason: str | None
    review_due: str | None


class CheckList(BaseModel):
    items: list[CheckOut]


def check_json(check: HouseholdCheck) -> dict[str, Any]:
    """Serialise a household check: figures in fen, the proposal and the decision."""
    return {
        "id": check.id, "household_id": check.household_id, "figures": check.figures,
        "proposed_tier": check.proposed_tier,
        "proposed_tier_name": TIER_NAMES.get(check.proposed_tier or "", "暂不认定"),
        "proposal_reason": check.proposal_reason, "status": check.status, "tier": check.tier,
        "override_reason": check.override_reason,
        "review_due": check.review_due.isoformat() if check.review_due else None,
    }


@bp.get("/staff/households/risk")
@api_doc(summary="社区家庭监测名单（按风险排序，附预警信号）", query=CommunityQuery,
         response=HouseholdRiskList)
@login_required
def household_risks() -> Any:
    """Return one community's households by risk, with the signals behind each."""
    args = parse_query(CommunityQuery)
    risks = household_signals.list_household_risks(db(), actor=current_person(),
                                                   community_id=args.community_id)
    return jsonify({"items": [{
        "household_id": r.household_id, "head_name": r.head.masked_name, "members": len(r.members),
        "level": r.level,
        "signals": [{"code": s.code, "name": s.name, "level": s.level, "summary": s.summary,
                     "person_id": s.person_id, "at": s.at.isoformat()} for s in r.signals],
    } for r in risks]})


@bp.get("/staff/residents/<int:person_id>/household-checks")
@api_doc(summary="这一户的家庭经济状况核对记录（新的在前）", response=CheckList)
@login_required
def household_checks(person_id: int) -> Any:
    """List the checks of a resident's household, newest first (each read audited)."""
    staff = current_person()
    found = assistance.list_checks(db(), actor=staff, person_id=person_id)
    return jsonify({"items": [check_json(assistance.get_check(db(), actor=staff, check_id=c.id))
                              for c in found]})


@bp.post("/staff/residents/<int:person_id>/household-checks")
@api_doc(summary="录入全家收入、财产、支出和情况，按本县标准算出建议的认定", body=CheckBody,
         response=CheckOut, status=201)
@login_required
@idempotent
def start_household_check(person_id: int) -> Any:
    """Record every member's figures and return the proposed tier."""
    body = parse_body(CheckBody)
    members = [assistance.MemberFacts(m.person_id, dict(m.income), dict(m.assets),
                                      dict(m.expenses), frozenset(m.situations))
               for m in body.members]
    check = assistance.start_check(db(), actor=current_person(), person_id=person_id,
                                   members=members)
    return jsonify(check_json(check)), 201


@bp.post("/staff/household-checks/<int:check_id>/decision")
@api_doc(summary="确认建议的认定，或改选并写明理由；全家的认定和复核日期随之更新", body=DecisionBody,
         response=CheckOut)
@login_required
def decide_household_check(check_id: int) -> Any:
    """Confirm the proposal or choose another tier with a reason."""
    body = parse_body(DecisionBody)
    tier = None if body.tier in (None, "none") else body.tier
    check = assistance.decide_check(db(), actor=current_person(), check_id=check_id, tier=tier,
                                    reason=body.reason)
    return jsonify(check_json(check))

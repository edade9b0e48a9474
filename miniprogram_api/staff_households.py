"""Staff routes: households by risk, and a household's 家庭经济状况核对 (record, propose, decide)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from core.uow import db
from core.validation import Body, Query, reply
from miniprogram_api import MAX_ID, bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from models.assistance import HouseholdCheck
from models.person import TIER_NAMES
from services.assistance import means_check
from services.monitoring import household_signals

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Fen = Annotated[int, Field(ge=0, lt=means_check.MAX_FEN)]


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

    @classmethod
    def of(cls, signal: household_signals.HouseholdSignal) -> HouseholdSignalOut:
        return cls(code=signal.code, name=signal.name, level=signal.level, summary=signal.summary,
                   person_id=signal.person_id, at=signal.at.isoformat())


class HouseholdRiskOut(BaseModel):
    household_id: int
    head_name: str
    members: int
    level: str
    signals: list[HouseholdSignalOut]

    @classmethod
    def of(cls, risk: household_signals.HouseholdRisk) -> HouseholdRiskOut:
        return cls(household_id=risk.household_id, head_name=risk.head.masked_name,
                   members=len(risk.members), level=risk.level,
                   signals=[HouseholdSignalOut.of(s) for s in risk.signals])


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

    @classmethod
    def of(cls, check: HouseholdCheck) -> CheckOut:
        """Figures in fen, the proposal and the decision."""
        return cls(
            id=check.id, household_id=check.household_id, figures=check.figures,
            proposed_tier=check.proposed_tier,
            proposed_tier_name=TIER_NAMES.get(check.proposed_tier or "", "暂不认定"),
            proposal_reason=check.proposal_reason, status=check.status, tier=check.tier,
            override_reason=check.override_reason,
            review_due=check.review_due.isoformat() if check.review_due else None)


class CheckList(BaseModel):
    items: list[CheckOut]


@bp.get("/staff/households/risk")
@login_required
@api_doc(summary="社区家庭监测名单（按风险排序，附预警信号）", query=CommunityQuery,
         response=HouseholdRiskList)
def household_risks(query: CommunityQuery) -> Any:
    """Return one community's households by risk, with the signals behind each."""
    risks = household_signals.list_household_risks(db(), actor=current_person(),
                                                   community_id=query.community_id)
    return reply(HouseholdRiskList(items=[HouseholdRiskOut.of(r) for r in risks]))


@bp.get("/staff/residents/<int:person_id>/household-checks")
@login_required
@api_doc(summary="这一户的家庭经济状况核对记录（新的在前）", response=CheckList)
def household_checks(person_id: int) -> Any:
    """List the checks of a resident's household, newest first (each read audited)."""
    staff = current_person()
    found = means_check.list_checks(db(), actor=staff, person_id=person_id)
    return reply(CheckList(items=[CheckOut.of(means_check.get_check(db(), actor=staff, check_id=c.id))
                                  for c in found]))


@bp.post("/staff/residents/<int:person_id>/household-checks")
@login_required
@idempotent
@api_doc(summary="录入全家收入、财产、支出和情况，按本县标准算出建议的认定", body=CheckBody,
         response=CheckOut, status=201)
def start_household_check(person_id: int, body: CheckBody) -> Any:
    """Record every member's figures and return the proposed tier."""
    members = [means_check.MemberFacts(m.person_id, dict(m.income), dict(m.assets),
                                      dict(m.expenses), frozenset(m.situations))
               for m in body.members]
    check = means_check.start_check(db(), actor=current_person(), person_id=person_id,
                                   members=members)
    return reply(CheckOut.of(check), 201)


@bp.post("/staff/household-checks/<int:check_id>/decision")
@login_required
@api_doc(summary="确认建议的认定，或改选并写明理由；全家的认定和复核日期随之更新", body=DecisionBody,
         response=CheckOut)
def decide_household_check(check_id: int, body: DecisionBody) -> Any:
    """Confirm the proposal or choose another tier with a reason."""
    tier = None if body.tier in (None, "none") else body.tier
    check = means_check.decide_check(db(), actor=current_person(), check_id=check_id, tier=tier,
                                    reason=body.reason)
    return reply(CheckOut.of(check))

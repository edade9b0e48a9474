"""Charity fund routes: open a fund, record donations and project payments, read the report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core.uow import db
from core.validation import Body, reply
from miniprogram_api import MAX_ID, bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from models.funds import FUND_KIND_NAMES, CharityFund
from services import funds

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Fen = Annotated[int, Field(ge=1, le=100_000_000_00)]


class FundBody(Body):
    organisation_id: Id
    code: str = Field(min_length=1, max_length=24)
    name: str = Field(min_length=1, max_length=64)
    kind: Literal["special", "named"]
    purpose: str | None = Field(default=None, max_length=500)


class DonationBody(Body):
    donor_name: str = Field(min_length=1, max_length=64)
    amount_fen: Fen
    received_on: date
    donor_person_id: Id | None = None
    note: str | None = Field(default=None, max_length=200)


class ProjectBody(Body):
    title: str = Field(min_length=1, max_length=128)
    amount_fen: Fen
    paid_on: date
    community_id: Id | None = None


class FundOut(BaseModel):
    id: int
    code: str
    name: str
    kind: Literal["special", "named"]
    kind_name: str
    organisation_id: int
    balance_fen: int

    @classmethod
    def of(cls, fund: CharityFund) -> FundOut:
        return cls(id=fund.id, code=fund.code, name=fund.name, kind=fund.kind,
                   kind_name=FUND_KIND_NAMES[fund.kind], organisation_id=fund.organisation_id,
                   balance_fen=funds.fund_balance_fen(db(), fund_id=fund.id))


class FundList(BaseModel):
    items: list[FundOut]


class DonationOut(BaseModel):
    id: int
    fund_id: int
    amount_fen: int
    received_on: date
    balance_fen: int


class MealMonthOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    month: str
    canteen: str
    meals: int = Field(description="基金付了补贴、没有退回的餐数（含还没到日子的）")
    served: int = Field(description="其中已用餐")
    amount_fen: int


class DonationLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    donor: str = Field(description="捐赠人（遮挡）")
    amount_fen: int
    received_on: date


class ProjectLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    title: str
    amount_fen: int
    paid_on: date


class FundReportOut(BaseModel):
    fund: FundOut
    organisation: str
    donated_fen: int
    balance_fen: int
    meals_fen: int
    meals_count: int
    projects_fen: int
    meals: list[MealMonthOut]
    donations: list[DonationLineOut]
    projects: list[ProjectLineOut]
    summary: str

    @classmethod
    def of(cls, report: funds.FundReport) -> FundReportOut:
        return cls(
            fund=FundOut.of(report.fund), organisation=report.organisation,
            donated_fen=report.donated_fen, balance_fen=report.balance_fen,
            meals_fen=report.meals_fen, meals_count=report.meals_count,
            projects_fen=report.projects_fen,
            meals=[MealMonthOut.model_validate(m) for m in report.meals],
            donations=[DonationLineOut.model_validate(d) for d in report.donations],
            projects=[ProjectLineOut.model_validate(p) for p in report.projects],
            summary=report_summary(report))


def report_summary(report: funds.FundReport) -> str:
    """Say a fund's account in one sentence, e.g. 共收到捐款5000.00元，已补贴助餐120餐 …"""
    return (f"{report.fund.name}共收到捐款{report.donated_fen / 100:.2f}元，"
            f"补贴助餐{report.meals_count}餐共{report.meals_fen / 100:.2f}元，"
            f"资助项目{report.projects_fen / 100:.2f}元，结余{report.balance_fen / 100:.2f}元。")


@bp.get("/funds")
@login_required
@api_doc(summary="我能看的慈善基金", response=FundList)
def list_funds() -> Any:
    """List the funds the caller keeps, gave to, or (staff) oversees."""
    found = funds.list_funds(db(), actor=current_person())
    return reply(FundList(items=[FundOut.of(f) for f in found]))


@bp.post("/funds")
@login_required
@idempotent
@api_doc(summary="慈善组织设立基金", body=FundBody, response=FundOut, status=201)
def create_fund(body: FundBody) -> Any:
    """Open a named fund for the caller's charity."""
    fund = funds.create_fund(db(), actor=current_person(), **body.model_dump())
    return reply(FundOut.of(fund), 201)


@bp.post("/funds/<int:fund_id>/donations")
@login_required
@idempotent
@api_doc(summary="登记一笔捐款", body=DonationBody, response=DonationOut, status=201)
def record_donation(fund_id: int, body: DonationBody) -> Any:
    """Record money given to a fund."""
    donation = funds.record_donation(db(), actor=current_person(), fund_id=fund_id,
                                     **body.model_dump())
    return reply(DonationOut(id=donation.id, fund_id=fund_id, amount_fen=donation.amount_fen,
                             received_on=donation.received_on,
                             balance_fen=funds.fund_balance_fen(db(), fund_id=fund_id)), 201)


@bp.post("/funds/<int:fund_id>/projects")
@login_required
@idempotent
@api_doc(summary="基金支付一个项目", body=ProjectBody, response=ProjectLineOut, status=201)
def pay_project(fund_id: int, body: ProjectBody) -> Any:
    """Pay a project from a fund."""
    paid = funds.pay_fund_project(db(), actor=current_person(), fund_id=fund_id, **body.model_dump())
    return reply(ProjectLineOut.model_validate(paid), 201)


@bp.get("/funds/<int:fund_id>/report")
@login_required
@api_doc(summary="基金用在了哪里", response=FundReportOut)
def fund_report(fund_id: int) -> Any:
    """Report what a fund received and paid for (its charity, staff and donors)."""
    report = funds.get_fund_report(db(), actor=current_person(), fund_id=fund_id)
    return reply(FundReportOut.of(report))

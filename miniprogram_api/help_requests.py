"""Help-request routes: residents ask and follow; staff triage their communities' queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from flask import jsonify
from pydantic import BaseModel, ConfigDict, Field

from core.validation import Body, Query, parse_body, parse_query
from miniprogram_api import MAX_ID, bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from miniprogram_api.pagination import Page, PageQuery, page
from miniprogram_api.uow import db
from models.help_requests import HelpRequest
from services import help_requests as svc
from services import layers, resource_fit
from services.help_requests import consent
from services.help_requests.queries import relation_to
from services.help_requests.views import summary_json

Status = Literal[
    "submitted", "accepted", "assigned", "in_progress", "resolved", "closed", "cancelled",
    "rejected", "referred",
]

# Ids in bodies and queries fit an INTEGER column, like path ids.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class SubmitBody(Body):
    # Category and urgency are checked by the service, the one place that knows them.
    category: str = Field(max_length=16)
    urgency: str = Field(default="normal", max_length=16)
    description: str = Field(min_length=1, max_length=300)
    on_behalf_of_id: Id | None = None
    address: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=20)


class MineQuery(Query):
    scope: Literal["open", "all", "assigned"] = "open"


class AssigneeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisation_id: Id | None = None
    person_id: Id | None = None


class TransitionBody(Body):
    to: str = Field(min_length=1, max_length=16)
    note: str | None = Field(default=None, max_length=200)
    assignee: AssigneeBody | None = None


class FeedbackBody(Body):
    rating: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=200)


Layer = Literal["basic", "medical", "education", "housing", "employment", "emergency"]


class StaffQuery(PageQuery):
    status: Status | None = None
    urgency: Literal["emergency", "normal"] | None = None
    community_id: Id | None = None
    layer: Layer | None = None


class LayerBody(Body):
    layer: Layer = Field(description="救助层级：basic 基本生活；medical/education/housing/"
                                     "employment 专项；emergency 急难型临时救助")


class HelpSummaryOut(BaseModel):
    """What anyone who may see a request sees (no personal data)."""

    id: int
    code: str
    category: str
    category_name: str
    urgency: str
    layer: str | None = Field(description="救助层级（分层分类救助），由类别和紧急程度按规则定出，工作人员可改")
    layer_name: str
    status: Status
    status_text: str
    next_step: str
    community_id: int | None
    organisation: str | None = Field(description="负责的单位名称")
    needs_human: bool
    created_at: datetime
    accept_due_at: datetime
    resolve_due_at: datetime
    rating: int | None
    followup_answer: Literal["better", "same", "worse"] | None = Field(
        description="办好30天后回访的回答：better 好多了，same 差不多，worse 更难了")


class HelpSummaryList(BaseModel):
    items: list[HelpSummaryOut]


class TimelineOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    at: datetime
    kind: str
    from_status: str | None = Field(alias="from")
    to: str | None
    note: str | None
    actor_id: int | None = Field(default=None, description="只给工作人员和承办单位")


class HelpDetailOut(HelpSummaryOut):
    description: str
    address: str | None
    place: str | None = Field(default=None, description="求助地点（人不在家时说的地方）")
    contact_phone: str | None = Field(description="承办的志愿者看到的是打码的号码")
    rejection_reason: str | None
    feedback_comment: str | None
    timeline: list[TimelineOut]


class SubmittedOut(HelpDetailOut):
    outcome: Literal["created", "attached", "replayed"] = Field(
        description="created：新建（201）；attached：并入同类未办结的求助（200）")


def _detail(help_request: HelpRequest) -> dict[str, Any]:
    actor = current_person()
    relation = relation_to(actor, help_request)
    if relation is None:  # just handed back (a charity declining a referral): no details left
        return {**summary_json(help_request), "description": "", "address": None, "place": None,
                "contact_phone": None, "rejection_reason": None, "feedback_comment": None,
                "timeline": []}
    return svc.present_help_request(db(), actor=actor, help_request=help_request, relation=relation)


@bp.post("/help-requests")
@api_doc(summary="提交求助", body=SubmitBody, response=SubmittedOut, status=201, also=(200,))
@login_required
@idempotent
def submit_help_request() -> Any:
    """File a help request from the mini-program."""
    body = parse_body(SubmitBody)
    made = svc.submit_help_request(db(), actor=current_person(), channel="miniprogram",
                                   **body.model_dump())
    payload = {**_detail(made), "outcome": made.intake_outcome}
    return jsonify(payload), 201 if made.intake_outcome == "created" else 200


@bp.get("/help-requests")
@api_doc(summary="我的求助（或派给我的）", query=MineQuery, response=HelpSummaryList)
@login_required
def list_my_help_requests() -> Any:
    """List the caller's requests (or those assigned to them) with plain-words status."""
    args = parse_query(MineQuery)
    actor = current_person()
    if args.scope == "assigned":
        found = svc.list_assigned_help_requests(db(), actor=actor)
    else:
        found = svc.list_my_help_requests(db(), actor=actor, open_only=args.scope == "open")
    return jsonify({"items": [summary_json(r) for r in found]})


@bp.get("/help-requests/<int:request_id>")
@api_doc(summary="查看一条求助和进度", response=HelpDetailOut)
@login_required
def get_help_request(request_id: int) -> Any:
    """Show one request with its timeline, as the caller may see it."""
    return jsonify(_detail(svc.get_help_request(db(), actor=current_person(), request_id=request_id)))


@bp.post("/help-requests/<int:request_id>/cancel")
@api_doc(summary="撤回自己的求助", response=HelpDetailOut)
@login_required
def cancel_help_request(request_id: int) -> Any:
    """Withdraw one's own request."""
    cancelled = svc.cancel_help_request(db(), actor=current_person(), request_id=request_id)
    return jsonify(_detail(cancelled))


@bp.post("/help-requests/<int:request_id>/feedback")
@api_doc(summary="给办结的求助打分", body=FeedbackBody, response=HelpDetailOut)
@login_required
def rate_help_request(request_id: int) -> Any:
    """Rate a finished request (1–5) with an optional comment."""
    body = parse_body(FeedbackBody)
    rated = svc.rate_help_request(db(), actor=current_person(), request_id=request_id,
                                  rating=body.rating, comment=body.comment)
    return jsonify(_detail(rated))


@bp.get("/staff/help-requests")
@api_doc(summary="社工的求助队列", query=StaffQuery, response=Page[HelpSummaryOut])
@login_required
def list_staff_help_requests() -> Any:
    """List the help-request queue of the caller's communities, newest first."""
    args = parse_query(StaffQuery)
    found = svc.list_staff_help_requests(
        db(), actor=current_person(), status=args.status,
        urgency=args.urgency, community_id=args.community_id, limit=args.limit, cursor=args.cursor,
        layer=args.layer,
    )
    return jsonify(page([summary_json(r) for r in found], limit=args.limit))


@bp.post("/staff/help-requests/<int:request_id>/transition")
@api_doc(summary="推进求助状态（受理、派单、转介、不受理、办结）", body=TransitionBody, response=HelpDetailOut)
@login_required
def transition_help_request(request_id: int) -> Any:
    """Move a request along its status machine (accept, assign, refer, reject, resolve, close)."""
    body = parse_body(TransitionBody)
    assignee = svc.Assignee(**body.assignee.model_dump()) if body.assignee else None
    moved = svc.transition_help_request(db(), actor=current_person(), request_id=request_id,
                                        to=body.to, note=body.note, assignee=assignee)
    return jsonify(_detail(moved))


class AskConsentBody(Body):
    organisation_id: int = Field(description="想转给的慈善组织")


class AskConsentOut(BaseModel):
    asked: bool = Field(description="false：求助人已经同意过，可以直接转介")


@bp.post("/staff/help-requests/<int:request_id>/ask-consent")
@api_doc(summary="请求助人同意转给慈善组织（在公众号里回复1或2）", body=AskConsentBody,
         response=AskConsentOut)
@login_required
def ask_charity_consent(request_id: int) -> Any:
    """Ask the person helped, in chat, whether a charity may see their request."""
    body = parse_body(AskConsentBody)
    asked = consent.ask_charity_consent(db(), actor=current_person(), request_id=request_id,
                                        organisation_id=body.organisation_id)
    return jsonify({"asked": asked is not None})


@bp.put("/staff/help-requests/<int:request_id>/layer")
@api_doc(summary="改求助的救助层级（留审计记录，写进办理经过）", body=LayerBody, response=HelpDetailOut)
@login_required
def set_help_request_layer(request_id: int) -> Any:
    """Change a request's assistance layer as staff."""
    body = parse_body(LayerBody)
    changed = layers.set_request_layer(db(), actor=current_person(), request_id=request_id,
                                       layer=body.layer)
    return jsonify(_detail(changed))


class MatchOut(BaseModel):
    resource_id: int
    name: str
    layer: str | None
    layer_name: str
    offers: str
    eligibility: str
    organisation_id: int | None = Field(description="为空时不能直接转介，需先在清单里指定单位")
    reasons: list[str] = Field(description="为什么合适（中文）")


class MatchList(BaseModel):
    items: list[MatchOut]


@bp.get("/staff/help-requests/<int:request_id>/resources")
@api_doc(summary="适合这条求助的资源清单项目（按层级、类别、地点、身份）", response=MatchList)
@login_required
def match_help_request_resources(request_id: int) -> Any:
    """List the county catalogue entries that fit a request."""
    found = resource_fit.match_resources(db(), actor=current_person(), request_id=request_id)
    return jsonify({"items": [{
        "resource_id": m.resource.id, "name": m.resource.name, "layer": m.resource.layer,
        "layer_name": layers.layer_name(m.resource.layer), "offers": m.resource.offers,
        "eligibility": m.resource.eligibility, "organisation_id": m.resource.organisation_id,
        "reasons": m.reasons,
    } for m in found]})

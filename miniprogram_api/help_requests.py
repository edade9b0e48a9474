"""Help-request routes: residents ask and follow; staff triage their communities' queue."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from core.uow import db
from core.validation import Body, Moment, Query, reply
from miniprogram_api import MAX_ID, bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from miniprogram_api.pagination import Page, PageQuery
from models.help_requests import HelpRequest
from services import help_requests as svc
from services.assistance import layers
from services.help_requests import consent, layering
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
    created_at: Moment
    accept_due_at: Moment
    resolve_due_at: Moment
    rating: int | None
    followup_answer: Literal["better", "same", "worse"] | None = Field(
        description="办好30天后回访的回答：better 好多了，same 差不多，worse 更难了")


class HelpSummaryList(BaseModel):
    items: list[HelpSummaryOut]


class TimelineOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    at: Moment
    kind: str
    from_status: str | None = Field(alias="from")
    to: str | None
    note: str | None
    actor_id: int | None = Field(default=None, description="只给工作人员和承办单位")

    @model_serializer(mode="wrap")
    def _actor_only_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # The requester's own timeline carries no actor_id at all, not a null one.
        data: dict[str, Any] = handler(self)
        if "actor_id" not in self.model_fields_set:
            data.pop("actor_id", None)
        return data


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


def _shown(help_request: HelpRequest) -> dict[str, Any]:
    """The request's fields the caller may see (the service decides which, and audits)."""
    actor = current_person()
    relation = relation_to(actor, help_request)
    if relation is None:  # just handed back (a charity declining a referral): no details left
        return {**summary_json(help_request), "description": "", "address": None, "place": None,
                "contact_phone": None, "rejection_reason": None, "feedback_comment": None,
                "timeline": []}
    return svc.present_help_request(db(), actor=actor, help_request=help_request, relation=relation)


def _detail(help_request: HelpRequest) -> HelpDetailOut:
    return HelpDetailOut.model_validate(_shown(help_request))


@bp.post("/help-requests")
@login_required
@idempotent
@api_doc(summary="提交求助", body=SubmitBody, response=SubmittedOut, status=201, also=(200,))
def submit_help_request(body: SubmitBody) -> Any:
    """File a help request from the mini-program."""
    made = svc.submit_help_request(db(), actor=current_person(), channel="miniprogram",
                                   **body.model_dump())
    submitted = SubmittedOut.model_validate({**_shown(made), "outcome": made.intake_outcome})
    return reply(submitted, 201 if made.intake_outcome == "created" else 200)


@bp.get("/help-requests")
@login_required
@api_doc(summary="我的求助（或派给我的）", query=MineQuery, response=HelpSummaryList)
def list_my_help_requests(query: MineQuery) -> Any:
    """List the caller's requests (or those assigned to them) with plain-words status."""
    actor = current_person()
    if query.scope == "assigned":
        found = svc.list_assigned_help_requests(db(), actor=actor)
    else:
        found = svc.list_my_help_requests(db(), actor=actor, open_only=query.scope == "open")
    return reply(HelpSummaryList(items=[HelpSummaryOut.model_validate(summary_json(r)) for r in found]))


@bp.get("/help-requests/<int:request_id>")
@login_required
@api_doc(summary="查看一条求助和进度", response=HelpDetailOut)
def get_help_request(request_id: int) -> Any:
    """Show one request with its timeline, as the caller may see it."""
    return reply(_detail(svc.get_help_request(db(), actor=current_person(), request_id=request_id)))


@bp.post("/help-requests/<int:request_id>/cancel")
@login_required
@api_doc(summary="撤回自己的求助", response=HelpDetailOut)
def cancel_help_request(request_id: int) -> Any:
    """Withdraw one's own request."""
    cancelled = svc.cancel_help_request(db(), actor=current_person(), request_id=request_id)
    return reply(_detail(cancelled))


@bp.post("/help-requests/<int:request_id>/feedback")
@login_required
@api_doc(summary="给办结的求助打分", body=FeedbackBody, response=HelpDetailOut)
def rate_help_request(request_id: int, body: FeedbackBody) -> Any:
    """Rate a finished request (1–5) with an optional comment."""
    rated = svc.rate_help_request(db(), actor=current_person(), request_id=request_id,
                                  rating=body.rating, comment=body.comment)
    return reply(_detail(rated))


@bp.get("/staff/help-requests")
@login_required
@api_doc(summary="社工的求助队列", query=StaffQuery, response=Page[HelpSummaryOut])
def list_staff_help_requests(query: StaffQuery) -> Any:
    """List the help-request queue of the caller's communities, newest first."""
    found = svc.list_staff_help_requests(
        db(), actor=current_person(), status=query.status,
        urgency=query.urgency, community_id=query.community_id, limit=query.limit, cursor=query.cursor,
        layer=query.layer,
    )
    return reply(Page[HelpSummaryOut].of([HelpSummaryOut.model_validate(summary_json(r)) for r in found],
                                         limit=query.limit))


@bp.post("/staff/help-requests/<int:request_id>/transition")
@login_required
@api_doc(summary="推进求助状态（受理、派单、转介、不受理、办结）", body=TransitionBody, response=HelpDetailOut)
def transition_help_request(request_id: int, body: TransitionBody) -> Any:
    """Move a request along its status machine (accept, assign, refer, reject, resolve, close)."""
    assignee = svc.Assignee(**body.assignee.model_dump()) if body.assignee else None
    moved = svc.transition_help_request(db(), actor=current_person(), request_id=request_id,
                                        to=body.to, note=body.note, assignee=assignee)
    return reply(_detail(moved))


class AskConsentBody(Body):
    organisation_id: int = Field(description="想转给的慈善组织")


class AskConsentOut(BaseModel):
    asked: bool = Field(description="false：求助人已经同意过，可以直接转介")


@bp.post("/staff/help-requests/<int:request_id>/ask-consent")
@login_required
@api_doc(summary="请求助人同意转给慈善组织（在公众号里回复1或2）", body=AskConsentBody,
         response=AskConsentOut)
def ask_charity_consent(request_id: int, body: AskConsentBody) -> Any:
    """Ask the person helped, in chat, whether a charity may see their request."""
    asked = consent.ask_charity_consent(db(), actor=current_person(), request_id=request_id,
                                        organisation_id=body.organisation_id)
    return reply(AskConsentOut(asked=asked is not None))


@bp.put("/staff/help-requests/<int:request_id>/layer")
@login_required
@api_doc(summary="改求助的救助层级（留审计记录，写进办理经过）", body=LayerBody, response=HelpDetailOut)
def set_help_request_layer(request_id: int, body: LayerBody) -> Any:
    """Change a request's assistance layer as staff."""
    changed = layering.set_request_layer(db(), actor=current_person(), request_id=request_id,
                                       layer=body.layer)
    return reply(_detail(changed))


class MatchOut(BaseModel):
    resource_id: int
    name: str
    layer: str | None
    layer_name: str
    offers: str
    eligibility: str
    organisation_id: int | None = Field(description="为空时不能直接转介，需先在清单里指定单位")
    reasons: list[str] = Field(description="为什么合适（中文）")

    @classmethod
    def of(cls, match: layering.ResourceMatch) -> MatchOut:
        resource = match.resource
        return cls(resource_id=resource.id, name=resource.name, layer=resource.layer,
                   layer_name=layers.layer_name(resource.layer), offers=resource.offers,
                   eligibility=resource.eligibility, organisation_id=resource.organisation_id,
                   reasons=match.reasons)


class MatchList(BaseModel):
    items: list[MatchOut]


@bp.get("/staff/help-requests/<int:request_id>/resources")
@login_required
@api_doc(summary="适合这条求助的资源清单项目（按层级、类别、地点、身份）", response=MatchList)
def match_help_request_resources(request_id: int) -> Any:
    """List the county catalogue entries that fit a request."""
    found = layering.match_resources(db(), actor=current_person(), request_id=request_id)
    return reply(MatchList(items=[MatchOut.of(m) for m in found]))

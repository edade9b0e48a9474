"""Staff routes: resident search, tier verification (核对), household history, resources, indicators."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core import clock
from core.uow import db
from core.validation import Body, Moment, Query, reply
from miniprogram_api import MAX_ID, bp
from miniprogram_api.auth import current_person, login_required
from miniprogram_api.idempotency import idempotent
from miniprogram_api.openapi import api_doc
from miniprogram_api.pagination import MAX_PAGE_SIZE, Page
from models.console import RESOURCE_KIND_NAMES, AidResource
from models.person import TIER_NAMES, Person
from services.access.audit import record_access
from services.assistance import chain as household
from services.assistance import resources, tiers
from services.assistance.resource_fit import tiers_of
from services.monitoring import indicators

# Ids in bodies and queries fit an INTEGER column, like path ids.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ResidentQuery(Query):
    tier: str | None = None
    community_id: Id | None = None
    q: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE)
    cursor: int | None = Field(default=None, ge=0, le=MAX_ID)


class TierBody(Body):
    tier: str | None = Field(max_length=32)
    evidence_note: str = Field(min_length=1, max_length=2000)
    review_due: date | None = None
    layer: str | None = Field(default=None, max_length=16,
                              description="救助层级；不填按规则由类别定出")


class ResourceQuery(Query):
    county_id: Id | None = None
    kind: str | None = None


class ResourceBody(Body):
    kind: str = Field(max_length=32)
    name: str = Field(min_length=1, max_length=128)
    offers: str = Field(min_length=1, max_length=2000)
    eligibility: str = Field(min_length=1, max_length=2000)
    contact: str | None = Field(default=None, max_length=128)
    organisation_id: Id | None = None
    county_id: Id | None = None
    layer: str | None = Field(default=None, max_length=16)
    category: str | None = Field(default=None, max_length=16, description="管哪类求助；不填都管")
    community_id: Id | None = Field(default=None, description="只服务这个社区；不填全县")
    eligible_tiers: list[str] | None = Field(default=None, max_length=7,
                                             description="哪些身份可申请；不填不限")


class CommunityQuery(Query):
    community_id: Id


class ResidentOut(BaseModel):
    """A resident as staff see them: name and phone masked."""

    id: int
    name: str = Field(description="打码的姓名")
    phone: str = Field(description="打码的手机号")
    community_id: int | None
    tier: str | None = Field(description="登记的困难类别代码")
    tier_name: str | None
    tier_counts: bool = Field(description="类别已核对且在复核期内")
    tier_review_due: date | None
    living_alone: bool
    age: int | None

    @classmethod
    def of(cls, person: Person) -> ResidentOut:
        today = clock.today()
        return cls(
            id=person.id, name=person.masked_name, phone=person.masked_phone,
            community_id=person.community_id, tier=person.economic_tier,
            tier_name=TIER_NAMES.get(person.economic_tier or ""),
            tier_counts=person.verified_tier_on(today) is not None,
            tier_review_due=person.tier_review_due, living_alone=person.living_alone,
            age=person.age_on(today))


class TierDecisionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    person_id: int
    tier: str | None
    previous_tier: str | None
    evidence_note: str
    review_due: date | None
    layer: str | None = Field(description="救助层级")
    verified_by_id: int
    decided_at: Moment


class HistoryEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: Moment
    person_id: int
    kind: str = Field(description="help_request、meal、volunteer_service、activity、tier、alert 等")
    title: str
    status: str
    status_name: str
    organisation: str | None
    amount_fen: int
    count: int
    minutes: int
    subject_id: int | None
    layer: str | None = Field(description="救助层级（求助和核对认定才有）")


class LayerGroupOut(BaseModel):
    layer: str
    layer_name: str
    count: int


class HistoryTotalsOut(BaseModel):
    subsidy_fen: int
    meals_served: int
    service_minutes: int


class HouseholdHistoryOut(BaseModel):
    person: ResidentOut
    members: list[ResidentOut]
    events: list[HistoryEventOut]
    totals: HistoryTotalsOut
    gaps: list[str] = Field(description="可能漏掉的救助（中文）")
    duplicates: list[str] = Field(description="可能重复的救助（中文）")
    by_layer: list[LayerGroupOut] = Field(description="按救助层级分组的求助和核对认定")

    @classmethod
    def of(cls, history: household.HouseholdHistory) -> HouseholdHistoryOut:
        return cls(
            person=ResidentOut.of(history.person),
            members=[ResidentOut.of(m) for m in history.members],
            events=[HistoryEventOut.model_validate(e) for e in history.events],
            totals=HistoryTotalsOut(subsidy_fen=history.subsidy_fen,
                                    meals_served=history.meals_served,
                                    service_minutes=history.service_minutes),
            gaps=history.gaps, duplicates=history.duplicates,
            by_layer=[LayerGroupOut(layer=layer, layer_name=name, count=len(found))
                      for layer, name, found in history.by_layer])


class ResourceOut(BaseModel):
    id: int
    county_id: int
    kind: Literal["project", "special_fund", "named_charity_fund"]
    kind_name: str
    name: str
    offers: str
    eligibility: str
    contact: str | None
    organisation_id: int | None
    layer: str | None
    category: str | None
    community_id: int | None
    eligible_tiers: list[str]

    @classmethod
    def of(cls, resource: AidResource) -> ResourceOut:
        return cls(
            id=resource.id, county_id=resource.county_id, kind=resource.kind,
            kind_name=RESOURCE_KIND_NAMES[resource.kind], name=resource.name,
            offers=resource.offers, eligibility=resource.eligibility, contact=resource.contact,
            organisation_id=resource.organisation_id, layer=resource.layer,
            category=resource.category, community_id=resource.community_id,
            eligible_tiers=tiers_of(resource))


class ResourceList(BaseModel):
    items: list[ResourceOut]


class SignalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    indicator: str
    name: str
    level: str
    summary: str
    at: Moment
    alert_id: int | None


class MonitoringEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    person_id: int | None
    level: str
    signals: list[SignalOut]


class MonitoringList(BaseModel):
    items: list[MonitoringEntryOut]


@bp.get("/staff/residents")
@login_required
@api_doc(summary="按类别、社区、姓名或电话查找居民（打码）", query=ResidentQuery, response=Page[ResidentOut])
def search_staff_residents(query: ResidentQuery) -> Any:
    """Search residents by tier, community, name or phone; results are masked."""
    found = tiers.search_residents(db(), actor=current_person(), tier=query.tier,
                                   community_id=query.community_id, q=query.q,
                                   limit=query.limit + 1, cursor=query.cursor)
    record_access(db(), actor_id=current_person().id, action="search", subject_type="person",
                  subject_id=None, fields=["name_masked", "phone_masked"],
                  detail={"ids": [p.id for p in found[: query.limit]]})
    return reply(Page[ResidentOut].of([ResidentOut.of(p) for p in found], limit=query.limit))


@bp.post("/staff/residents/<int:person_id>/tier")
@login_required
@idempotent
@api_doc(summary="核对（或清除）居民的困难类别", body=TierBody, response=TierDecisionOut, status=201)
def verify_resident_tier(person_id: int, body: TierBody) -> Any:
    """Record a verified tier (or clear it) with evidence and a review date."""
    tier = None if body.tier in (None, "", tiers.NO_TIER) else body.tier
    decision = tiers.record_tier(db(), actor=current_person(), person_id=person_id, tier=tier,
                                 evidence_note=body.evidence_note, review_due=body.review_due,
                                 layer=body.layer)
    return reply(TierDecisionOut.model_validate(decision), 201)


@bp.get("/staff/residents/<int:person_id>/history")
@login_required
@api_doc(summary="一户一条救助链：跨单位的救助记录、遗漏和重复", response=HouseholdHistoryOut)
def resident_history(person_id: int) -> Any:
    """Return the household's assistance chain across organisations, with gaps and duplicates."""
    history = household.get_household_history(db(), actor=current_person(), person_id=person_id)
    return reply(HouseholdHistoryOut.of(history))


@bp.get("/staff/resources")
@login_required
@api_doc(summary="县里的救助项目和基金清单", query=ResourceQuery, response=ResourceList)
def list_staff_resources(query: ResourceQuery) -> Any:
    """List the county's catalogue of projects and funds."""
    found = resources.list_resources(db(), actor=current_person(), county_id=query.county_id,
                                     kind=query.kind)
    return reply(ResourceList(items=[ResourceOut.of(r) for r in found]))


@bp.post("/staff/resources")
@login_required
@idempotent
@api_doc(summary="新增救助项目或基金", body=ResourceBody, response=ResourceOut, status=201)
def create_staff_resource(body: ResourceBody) -> Any:
    """Add a project or fund to the county's catalogue."""
    resource = resources.create_resource(db(), actor=current_person(), **body.model_dump())
    return reply(ResourceOut.of(resource), 201)


@bp.get("/staff/monitoring")
@login_required
@api_doc(summary="社区监测名单（按风险排序）", query=CommunityQuery, response=MonitoringList)
def community_monitoring(query: CommunityQuery) -> Any:
    """Return one community's ranked monitoring list."""
    entries = indicators.list_monitoring(db(), actor=current_person(), community_id=query.community_id)
    return reply(MonitoringList(items=[MonitoringEntryOut.model_validate(e) for e in entries]))

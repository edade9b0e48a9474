"""Tier verification (核对): record a resident's tier with evidence, search residents, remind reviews."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from core import clock, crypto
from core.errors import NotAllowed, NotFound, ValidationFailed
from models.console import TierDecision
from models.messaging import Notification
from models.person import ECONOMIC_TIERS, TIER_NAMES, Person, PersonRole
from services.access.audit import record_access
from services.access.checks import require_staff_for
from services.assistance.layers import check_layer, layer_for_tier
from services.messaging.message_templates import day_words
from services.messaging.notifications import enqueue_notification

REMIND_BEFORE = timedelta(days=14)
MAX_REVIEW_AHEAD = timedelta(days=3 * 366)
NO_TIER = "none"


def get_resident(session: Session, *, actor: Person, person_id: int) -> Person:
    """Return a person in one of the staff member's communities; anyone else is NotFound."""
    communities = require_staff_for(actor)
    person = session.get(Person, person_id)
    if person is None or (communities is not None and person.community_id not in communities):
        raise NotFound()
    return person


def _check_decision(tier: str | None, evidence_note: str, review_due: date | None) -> None:
    if tier is not None and tier not in ECONOMIC_TIERS:
        raise ValidationFailed(fields={"tier": "不是允许的取值"})
    if not evidence_note.strip():
        raise ValidationFailed("请填写核对依据。", fields={"evidence_note": "必填"})
    if tier is None:
        return
    today = clock.today()
    if review_due is None:
        raise ValidationFailed("请填写下次复核日期。", fields={"review_due": "必填"})
    if review_due <= today or review_due > today + MAX_REVIEW_AHEAD:
        raise ValidationFailed("复核日期应在今天之后、三年之内。", fields={"review_due": "日期不对"})


def record_tier(
    session: Session,
    *,
    actor: Person,
    person_id: int,
    tier: str | None,
    evidence_note: str,
    review_due: date | None,
    check_id: int | None = None,
    layer: str | None = None,
) -> TierDecision:
    """Verify a resident's tier (or clear it) with evidence and a review date; keep the decision.

    The decision's assistance layer is the staff member's choice, else the rule's (services.assistance.layers).
    """
    person = get_resident(session, actor=actor, person_id=person_id)
    _check_decision(tier, evidence_note, review_due)
    now = clock.now()
    decision = TierDecision(
        person_id=person.id, tier=tier, previous_tier=person.economic_tier,
        layer=(check_layer(layer) or layer_for_tier(session, tier=tier)) if tier else None,
        evidence_note=evidence_note.strip(), review_due=review_due if tier else None,
        verified_by_id=actor.id, decided_at=now, check_id=check_id,
    )
    session.add(decision)
    person.economic_tier = tier
    person.tier_verified_by_id = actor.id if tier else None
    person.tier_verified_at = now if tier else None
    person.tier_review_due = review_due if tier else None
    record_access(session, actor_id=actor.id, action="update", subject_type="person",
                  subject_id=person.id, fields=["economic_tier"],
                  detail={"tier": tier, "layer": decision.layer,
                          **({"check_id": check_id} if check_id else {})})
    session.flush()
    return decision


def list_tier_history(session: Session, *, actor: Person, person_id: int) -> list[TierDecision]:
    """Return every tier decision about a resident, newest first."""
    get_resident(session, actor=actor, person_id=person_id)
    stmt = (
        select(TierDecision)
        .where(TierDecision.person_id == person_id)
        .order_by(TierDecision.decided_at.desc(), TierDecision.id.desc())
    )
    return list(session.scalars(stmt))


def _scoped(stmt: Select[Person], communities: set[int] | None) -> Select[Person]:
    return stmt if communities is None else stmt.where(Person.community_id.in_(communities))


def _communities_for(actor: Person, community_id: int | None) -> set[int] | None:
    try:
        communities = require_staff_for(actor, community_id)
    except NotAllowed:
        if any(r.role in ("staff", "supervisor") for r in actor.roles):
            raise NotFound() from None
        raise
    return {community_id} if community_id is not None else communities


def _search_clause(q: str) -> object:
    text = q.strip()
    clauses = [Person.name_bidx == crypto.blind_index(text, kind="name")]
    if len(crypto.normalise_phone(text)) >= 7:
        clauses.append(Person.phone_bidx == crypto.blind_index(text, kind="phone"))
    return or_(*clauses)


def search_residents(
    session: Session,
    *,
    actor: Person,
    tier: str | None = None,
    community_id: int | None = None,
    q: str | None = None,
    limit: int = 20,
    cursor: int | None = None,
) -> list[Person]:
    """Find residents by tier, community, and exact name or phone (blind index), oldest id first."""
    communities = _communities_for(actor, community_id)
    is_resident = exists().where(PersonRole.person_id == Person.id, PersonRole.role == "resident")
    stmt = _scoped(select(Person).where(is_resident), communities)
    if tier == NO_TIER:
        stmt = stmt.where(Person.economic_tier.is_(None))
    elif tier:
        if tier not in ECONOMIC_TIERS:
            raise ValidationFailed(fields={"tier": "不是允许的取值"})
        stmt = stmt.where(Person.economic_tier == tier)
    if q and q.strip():
        stmt = stmt.where(_search_clause(q))  # type: ignore[arg-type]
    if cursor:
        stmt = stmt.where(Person.id > cursor)
    return list(session.scalars(stmt.order_by(Person.id).limit(limit)))


def list_due_for_review(
    session: Session, *, actor: Person, within_days: int = 30, community_id: int | None = None
) -> list[Person]:
    """Return residents whose tier review falls due within `within_days` (or is past), soonest first."""
    communities = _communities_for(actor, community_id)
    horizon = clock.today() + timedelta(days=within_days)
    stmt = select(Person).where(
        Person.economic_tier.is_not(None), Person.tier_review_due <= horizon
    )
    stmt = _scoped(stmt, communities).order_by(Person.tier_review_due, Person.id)
    return list(session.scalars(stmt.limit(500)))


def _community_staff(session: Session, community_id: int) -> list[int]:
    stmt = select(PersonRole.person_id).where(
        PersonRole.role == "staff", PersonRole.community_id == community_id
    )
    return sorted(set(session.scalars(stmt)))


def _review_text(person: Person, due: date) -> str:
    tier = TIER_NAMES.get(person.economic_tier or "", "认定")
    return f"{person.masked_name}的{tier}认定将于{due.month}月{due.day}日到期，请及时复核。"


def remind_tier_reviews(session: Session, *, now: datetime) -> int:
    """Queue one reminder to the community's staff per resident per review date; return how many."""
    today = now.astimezone(clock.LOCAL_TZ).date()
    stmt = select(Person).where(
        Person.economic_tier.is_not(None),
        Person.community_id.is_not(None),
        Person.tier_review_due >= today,
        Person.tier_review_due <= today + REMIND_BEFORE,
    )
    queued = 0
    for person in session.scalars(stmt.order_by(Person.id)):
        assert person.tier_review_due is not None and person.community_id is not None
        for staff_id in _community_staff(session, person.community_id):
            key = f"tier-review:{person.id}:{person.tier_review_due.isoformat()}:{staff_id}"
            if session.scalar(select(Notification.id).where(Notification.dedupe_key == key)):
                continue
            enqueue_notification(
                session, person_id=staff_id, template="tier_review_due", dedupe_key=key,
                text=_review_text(person, person.tier_review_due),
                payload={"person_id": person.id, "review_due": person.tier_review_due.isoformat()},
                facts={"who": person.masked_name,
                       "tier": TIER_NAMES.get(person.economic_tier or "", "认定"),
                       "when": day_words(person.tier_review_due)},
            )
            queued += 1
    return queued

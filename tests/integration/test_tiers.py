"""Tier verification (核对): decisions, history, scope, search and review reminders."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from core import clock
from core.db import session_scope
from core.errors import NotAllowed, NotFound, ValidationFailed
from models.audit import AuditEntry
from models.console import TierDecision
from models.messaging import Notification
from models.person import Person
from services.assistance import tiers
from tests.factories import make_community, make_person

pytestmark = pytest.mark.integration


def _world(s):
    here, there = make_community(s), make_community(s)
    return {
        "here": here,
        "staff": make_person(s, roles=("staff",), community=here, name="刘社工"),
        "other_staff": make_person(s, roles=("staff",), community=there),
        "elder": make_person(s, community=here, name="王秀英", phone="13812345678"),
        "far": make_person(s, community=there, name="王秀英"),
    }


def test_recording_a_tier_makes_it_count_until_the_review_date(db, frozen_clock):
    with session_scope() as s:
        w = _world(s)
        due = clock.today() + timedelta(days=180)
        decision = tiers.record_tier(s, actor=w["staff"], person_id=w["elder"].id, tier="dibao",
                                     evidence_note="低保证 No.123", review_due=due)
        elder = s.get(Person, w["elder"].id)
        assert elder.verified_tier_on(clock.today()) == "dibao"
        assert elder.verified_tier_on(due + timedelta(days=1)) is None
        assert decision.verified_by_id == w["staff"].id and decision.previous_tier is None
        audit = s.scalars(select(AuditEntry).where(AuditEntry.subject_id == elder.id)).all()
        assert [a.action for a in audit] == ["update"]


def test_history_keeps_every_decision_and_refuses_edits(db, frozen_clock):
    with session_scope() as s:
        w = _world(s)
        due = clock.today() + timedelta(days=90)
        tiers.record_tier(s, actor=w["staff"], person_id=w["elder"].id, tier="dibao_edge",
                          evidence_note="收入核对", review_due=due)
        frozen_clock.advance(days=1)
        tiers.record_tier(s, actor=w["staff"], person_id=w["elder"].id, tier=None,
                          evidence_note="收入超标，取消认定", review_due=None)
        history = tiers.list_tier_history(s, actor=w["staff"], person_id=w["elder"].id)
        assert [(d.tier, d.previous_tier) for d in history] == [(None, "dibao_edge"),
                                                                ("dibao_edge", None)]
        assert s.get(Person, w["elder"].id).verified_tier_on(clock.today()) is None
        decision_id = history[0].id
    with pytest.raises(DBAPIError):
        with session_scope() as s:
            s.execute(text("UPDATE tier_decisions SET tier = 'tekun' WHERE id = :id"),
                      {"id": decision_id})


@pytest.mark.parametrize("tier, note, due, field", [
    ("rich", "依据", date(2027, 3, 1), "tier"),
    ("dibao", "  ", date(2027, 3, 1), "evidence_note"),
    ("dibao", "依据", None, "review_due"),
    ("dibao", "依据", date(2026, 11, 28), "review_due"),
])
def test_a_decision_needs_a_known_tier_evidence_and_a_future_review(sqlite_db, frozen_clock,
                                                                   tier, note, due, field):
    with session_scope() as s:
        w = _world(s)
        with pytest.raises(ValidationFailed) as info:
            tiers.record_tier(s, actor=w["staff"], person_id=w["elder"].id, tier=tier,
                              evidence_note=note, review_due=due)
        assert field in info.value.details["fields"]


def test_staff_of_another_community_and_residents_cannot_verify(db, frozen_clock):
    with session_scope() as s:
        w = _world(s)
        due = clock.today() + timedelta(days=30)
        with pytest.raises(NotFound):
            tiers.record_tier(s, actor=w["other_staff"], person_id=w["elder"].id, tier="dibao",
                              evidence_note="x", review_due=due)
        with pytest.raises(NotAllowed):
            tiers.record_tier(s, actor=w["far"], person_id=w["elder"].id, tier="dibao",
                              evidence_note="x", review_due=due)
        assert s.scalar(select(TierDecision.id)) is None


def test_search_by_name_or_phone_stays_in_the_staff_communities(db, frozen_clock):
    with session_scope() as s:
        w = _world(s)
        make_person(s, community=w["here"], name="李建国", economic_tier="tekun")
        by_name = tiers.search_residents(s, actor=w["staff"], q="王秀英")
        by_phone = tiers.search_residents(s, actor=w["staff"], q="138-1234-5678")
        by_tier = tiers.search_residents(s, actor=w["staff"], tier="tekun")
        assert [p.id for p in by_name] == [w["elder"].id] == [p.id for p in by_phone]
        assert [p.masked_name for p in by_tier] == ["李**"]
        assert tiers.search_residents(s, actor=w["staff"], q="王秀") == []
        with pytest.raises(NotFound):
            tiers.search_residents(s, actor=w["staff"], community_id=w["far"].community_id)


def test_due_for_review_lists_soonest_first(db, frozen_clock):
    with session_scope() as s:
        w = _world(s)
        today = clock.today()
        soon = make_person(s, community=w["here"], economic_tier="dibao",
                           tier_verified_at=clock.now(), tier_review_due=today + timedelta(days=5))
        late = make_person(s, community=w["here"], economic_tier="tekun",
                           tier_verified_at=clock.now(), tier_review_due=today - timedelta(days=2))
        make_person(s, community=w["here"], economic_tier="tekun",
                    tier_verified_at=clock.now(), tier_review_due=today + timedelta(days=200))
        due = tiers.list_due_for_review(s, actor=w["staff"], within_days=30)
        assert [p.id for p in due] == [late.id, soon.id]


def test_review_reminder_goes_to_community_staff_once_per_review_date(db, frozen_clock):
    with session_scope() as s:
        w = _world(s)
        today = clock.today()
        elder = make_person(s, community=w["here"], name="王秀英", economic_tier="dibao",
                            tier_verified_at=clock.now(), tier_review_due=today + timedelta(days=10))
        make_person(s, community=w["here"], economic_tier="dibao",
                    tier_verified_at=clock.now(), tier_review_due=today + timedelta(days=60))
        assert tiers.remind_tier_reviews(s, now=clock.now()) == 1
        assert tiers.remind_tier_reviews(s, now=clock.now() + timedelta(days=1)) == 0
        sent = s.scalars(select(Notification)).all()
        assert [n.person_id for n in sent] == [w["staff"].id]
        assert "王**的低保认定将于12月9日到期" in sent[0].text
        elder.tier_review_due = today + timedelta(days=12)
        assert tiers.remind_tier_reviews(s, now=clock.now()) == 1

"""The points ledger: double-entry, append-only, minted once, reversible, reconciled."""

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from core.db import session_scope
from core.errors import InvalidTransition
from models.monitoring import RiskAlert
from models.region import Community
from models.volunteers import PointsEntry, PointsRate, ServiceRecord
from services.volunteers import (
    get_points_balance,
    list_points_entries,
    mint_points_for_service,
    reconcile_ledger,
    redeem_reward,
    reverse_posting,
    sum_points_balance,
)
from services.volunteers.errors import InsufficientPoints
from tests.volunteer_factories import give_points, make_reward, make_staff, make_volunteer

pytestmark = pytest.mark.integration


def test_minting_posts_two_legs_that_cancel_and_the_balance_is_their_sum(db, frozen_clock):
    with session_scope() as s:
        volunteer = make_volunteer(s)
        give_points(s, volunteer=volunteer, points=20)
        vid = volunteer.id
    with session_scope() as s:
        amounts = sorted(s.scalars(select(PointsEntry.amount)))
        assert amounts == [-20, 20]
        assert get_points_balance(s, person_id=vid) == sum_points_balance(s, person_id=vid) == 20
        lines = list_points_entries(s, person_id=vid)
        assert [(line.amount, line.kind) for line in lines] == [(20, "service")]
        assert reconcile_ledger(s)["ok"] is True


def test_the_database_refuses_to_change_or_delete_ledger_rows(db, frozen_clock):
    with session_scope() as s:
        give_points(s, volunteer=make_volunteer(s), points=10)
    for statement in ("UPDATE points_entries SET amount = 1000", "DELETE FROM points_entries",
                      "UPDATE points_postings SET memo = 'x'", "DELETE FROM points_postings"):
        with pytest.raises(DBAPIError), session_scope() as s:
            s.execute(text(statement))
    with session_scope() as s:
        assert sorted(s.scalars(select(PointsEntry.amount))) == [-10, 10]


def test_a_service_record_mints_only_once(db, frozen_clock):
    with session_scope() as s:
        record = give_points(s, volunteer=make_volunteer(s), points=10)
        with pytest.raises(InvalidTransition):
            mint_points_for_service(s, record=record, actor_id=None)
        assert get_points_balance(s, person_id=record.volunteer_id) == 10


def test_the_rate_is_data(db, frozen_clock):
    with session_scope() as s:
        s.add(PointsRate(code="service_hour", points=15, effective_from=date(2026, 11, 1)))
        volunteer = make_volunteer(s)
        record = ServiceRecord(volunteer_id=volunteer.id, source="logged", status="verified",
                               service_day=date(2026, 11, 28), minutes=120, description="买菜")
        s.add(record)
        s.flush()
        mint_points_for_service(s, record=record, actor_id=None)
        assert get_points_balance(s, person_id=volunteer.id) == 30


def test_a_correction_is_a_reversing_posting_that_cannot_overdraw(db, frozen_clock):
    with session_scope() as s:
        volunteer = make_volunteer(s)
        staff = make_staff(s, community=s.get(Community, volunteer.community_id))
        record = give_points(s, volunteer=volunteer, points=20)
        posting_id = s.scalar(select(PointsEntry.posting_id).where(PointsEntry.amount == 20))
        reverse_posting(s, actor=staff, posting_id=posting_id, reason="重复登记")
        assert get_points_balance(s, person_id=volunteer.id) == 0
        assert s.get(ServiceRecord, record.id).status == "rejected"
        with pytest.raises(InvalidTransition):
            reverse_posting(s, actor=staff, posting_id=posting_id, reason="再来一次")
        assert sorted(s.scalars(select(PointsEntry.amount))) == [-20, -20, 20, 20]
        assert reconcile_ledger(s)["ok"] is True


def test_reversing_points_already_spent_is_refused(db, frozen_clock):
    with session_scope() as s:
        volunteer = make_volunteer(s)
        staff = make_staff(s, community=s.get(Community, volunteer.community_id))
        give_points(s, volunteer=volunteer, points=20)
        posting_id = s.scalar(select(PointsEntry.posting_id).where(PointsEntry.amount == 20))
        redeem_reward(s, actor=volunteer, reward_id=make_reward(s, cost=15).id, client_key="k1")
        with pytest.raises(InsufficientPoints):
            reverse_posting(s, actor=staff, posting_id=posting_id, reason="错了")


def test_reconciliation_flags_a_stored_balance_that_disagrees_with_the_sum(db, frozen_clock):
    with session_scope() as s:
        vid = give_points(s, volunteer=make_volunteer(s), points=10).volunteer_id
    with session_scope() as s:
        s.execute(text("UPDATE points_accounts SET balance = 999 WHERE person_id = :p"), {"p": vid})
    with session_scope() as s:
        report = reconcile_ledger(s)
        assert report["ok"] is False and len(report["mismatched_accounts"]) == 1
        assert s.scalar(select(RiskAlert.kind)) == "ledger_mismatch"

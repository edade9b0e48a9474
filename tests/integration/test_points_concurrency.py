"""Concurrency on the ledger: parallel redemptions and parallel verification, separate sessions."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.errors import LinliError
from models.person import Person
from models.region import Community
from models.volunteers import PointsPosting, Redemption, Reward, ServiceRecord
from services.volunteers import (
    get_points_balance,
    reconcile_ledger,
    redeem_reward,
    verify_service_record,
)
from tests.volunteer_factories import give_points, make_reward, make_staff, make_volunteer

pytestmark = pytest.mark.integration


def _race(count: int, job: Callable[[Any, int], Any]) -> list[Any]:
    """Run `job(i)` in `count` threads released together; return results or errors."""
    barrier = threading.Barrier(count)

    def run(i: int) -> Any:
        barrier.wait()
        try:
            with session_scope() as s:
                return job(s, i)
        except LinliError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_fifty_parallel_redemptions_of_ten_from_a_hundred_let_exactly_ten_through(db, frozen_clock):
    with session_scope() as s:
        volunteer = make_volunteer(s)
        give_points(s, volunteer=volunteer, points=100)
        reward_id, vid = make_reward(s, cost=10, stock=1000).id, volunteer.id

    def redeem(s: Any, i: int) -> int:
        actor = s.get(Person, vid)
        return redeem_reward(s, actor=actor, reward_id=reward_id, client_key=f"tap-{i}").id

    results = _race(50, redeem)
    assert sum(isinstance(r, int) for r in results) == 10
    assert {type(r).__name__ for r in results if not isinstance(r, int)} == {"InsufficientPoints"}
    with session_scope() as s:
        assert get_points_balance(s, person_id=vid) == 0
        assert s.scalar(select(func.count()).select_from(Redemption)) == 10
        assert s.get(Reward, reward_id).stock == 990
        assert reconcile_ledger(s)["ok"] is True


def test_parallel_redemptions_never_sell_more_than_the_stock(db, frozen_clock):
    with session_scope() as s:
        volunteers = [make_volunteer(s) for _ in range(8)]
        for v in volunteers:
            give_points(s, volunteer=v, points=50)
        reward_id, ids = make_reward(s, cost=10, stock=3).id, [v.id for v in volunteers]

    def redeem(s: Any, i: int) -> int:
        return redeem_reward(s, actor=s.get(Person, ids[i]), reward_id=reward_id, client_key="k-1").id

    results = _race(8, redeem)
    assert sum(isinstance(r, int) for r in results) == 3
    with session_scope() as s:
        assert s.get(Reward, reward_id).stock == 0
        assert sum(get_points_balance(s, person_id=i) for i in ids) == 8 * 50 - 30


def test_the_same_client_key_sent_in_parallel_redeems_once(db, frozen_clock):
    with session_scope() as s:
        volunteer = make_volunteer(s)
        give_points(s, volunteer=volunteer, points=100)
        reward_id, vid = make_reward(s, cost=10).id, volunteer.id

    def redeem(s: Any, i: int) -> int:
        return redeem_reward(s, actor=s.get(Person, vid), reward_id=reward_id, client_key="same-key").id

    results = _race(6, redeem)
    assert len(set(results)) == 1 and isinstance(results[0], int)
    with session_scope() as s:
        assert get_points_balance(s, person_id=vid) == 90


def test_two_staff_verifying_one_record_at_once_mint_once(db, frozen_clock):
    with session_scope() as s:
        volunteer = make_volunteer(s)
        community = s.get(Community, volunteer.community_id)
        staff_ids = [make_staff(s, community=community).id for _ in range(2)]
        record = ServiceRecord(volunteer_id=volunteer.id, community_id=community.id, source="logged",
                               status="pending_confirmation", needs_staff=True,
                               service_day=frozen_clock().date(), minutes=120, description="买菜")
        s.add(record)
        s.flush()
        record_id, vid = record.id, volunteer.id

    def verify(s: Any, i: int) -> str:
        return verify_service_record(s, actor=s.get(Person, staff_ids[i]), record_id=record_id,
                                     approve=True).status

    results = _race(2, verify)
    assert results.count("verified") == 1
    assert [type(r).__name__ for r in results if r != "verified"] == ["InvalidTransition"]
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(PointsPosting)) == 1
        assert get_points_balance(s, person_id=vid) == 20

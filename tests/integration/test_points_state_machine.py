"""A Hypothesis state machine over earn / redeem / reverse against a simple model."""

import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from core.db import session_scope
from core.errors import LinliError
from models.person import Person
from models.region import Community
from models.volunteers import PointsAccount, PointsEntry
from services.volunteers import (
    get_points_balance,
    redeem_reward,
    reverse_posting,
    sum_points_balance,
)
from services.volunteers.errors import InsufficientPoints
from tests.volunteer_factories import give_points, make_reward, make_staff, make_volunteer

pytestmark = pytest.mark.integration
_keys = itertools.count()


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        with session_scope() as s:
            community = s.get(Community, make_volunteer(s).community_id)
            self.volunteers = [make_volunteer(s, community=community).id for _ in range(2)]
            self.staff_id = make_staff(s, community=community).id
            self.reward_id = make_reward(s, cost=10, stock=10_000).id
        self.model = dict.fromkeys(self.volunteers, 0)
        self.mints: list[tuple[int, int, int]] = []  # (posting id, volunteer, points)

    @rule(who=st.integers(0, 1), hours=st.integers(1, 4))
    def earn(self, who: int, hours: int) -> None:
        vid = self.volunteers[who]
        with session_scope() as s:
            record = give_points(s, volunteer=s.get(Person, vid), points=hours * 10)
            posting = s.scalar(select(PointsEntry.posting_id).where(PointsEntry.amount > 0)
                               .order_by(PointsEntry.id.desc()).limit(1))
        self.model[vid] += hours * 10
        self.mints.append((posting, vid, hours * 10))
        assert record.id

    @rule(who=st.integers(0, 1), quantity=st.integers(1, 3))
    def redeem(self, who: int, quantity: int) -> None:
        vid = self.volunteers[who]
        try:
            with session_scope() as s:
                redeem_reward(s, actor=s.get(Person, vid), reward_id=self.reward_id,
                              quantity=quantity, client_key=f"sm-{next(_keys)}")
        except InsufficientPoints:
            assert self.model[vid] < 10 * quantity
            return
        self.model[vid] -= 10 * quantity

    @rule(pick=st.integers(0, 100))
    def reverse(self, pick: int) -> None:
        if not self.mints:
            return
        posting, vid, points = self.mints[pick % len(self.mints)]
        try:
            with session_scope() as s:
                reverse_posting(s, actor=s.get(Person, self.staff_id), posting_id=posting, reason="更正")
        except LinliError as exc:
            assert isinstance(exc, InsufficientPoints) and self.model[vid] < points
            return
        self.mints.remove((posting, vid, points))
        self.model[vid] -= points

    @invariant()
    def books_balance(self) -> None:
        with session_scope(readonly=True) as s:
            assert s.scalar(select(func.coalesce(func.sum(PointsEntry.amount), 0))) == 0
            for vid, expected in self.model.items():
                assert get_points_balance(s, person_id=vid) == sum_points_balance(s, person_id=vid) == expected
            assert s.scalar(select(func.min(PointsAccount.balance))
                            .where(PointsAccount.kind == "volunteer")) in (None, *range(0, 10**6))


def test_ledger_state_machine(db, frozen_clock):
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=5, stateful_step_count=10, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))

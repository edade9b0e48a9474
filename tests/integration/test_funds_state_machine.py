"""A Hypothesis state machine over donate / book / cancel / pay a project against a simple model:
the fund never goes below zero, the books sum to zero, and a meal is paid by the fund exactly
when the fund held its whole subsidy."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from core.db import session_scope
from core.errors import LinliError
from models.funds import FundAccount
from models.meals import SubsidyRule
from models.person import Person
from services import funds, meals
from tests.factories import make_community
from tests.meals_factories import make_canteen, make_elder
from tests.volunteer_factories import make_charity_admin

pytestmark = pytest.mark.integration

TODAY = date(2026, 11, 29)
FUND_MEAL, PUBLIC_MEAL = 500, 300


class FundMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        with session_scope() as s:
            for earlier in s.scalars(select(SubsidyRule).where(SubsidyRule.fund_id.is_not(None))):
                earlier.active = False  # an earlier example's fund must not pay this one's meals
            community = make_community(s)
            self.canteen_id = make_canteen(s, community=community).id
            admin, charity = make_charity_admin(s, community=community)
            fund = funds.create_fund(s, actor=admin, organisation_id=charity.id,
                                     code=f"SM{admin.id}", name="助餐基金", kind="special")
            s.add(SubsidyRule(code=f"SM{admin.id}", min_age=60, requires_disability=True,
                              amount_fen=FUND_MEAL, monthly_cap_fen=100_000, fund_id=fund.id))
            self.elders = [make_elder(s, age=70, disability=1, community=community).id
                           for _ in range(3)]
            self.admin_id, self.fund_id = admin.id, fund.id
        self.balance = 0
        self.bookings: dict[int, tuple[int, bool]] = {}  # booking id -> (elder, paid by the fund)

    @rule(yuan=st.integers(1, 12))
    def donate(self, yuan: int) -> None:
        with session_scope() as s:
            funds.record_donation(s, actor=s.get(Person, self.admin_id), fund_id=self.fund_id,
                                  donor_name="捐赠人", amount_fen=yuan * 100, received_on=TODAY)
        self.balance += yuan * 100

    @rule(who=st.integers(0, 2), ahead=st.integers(0, 4), meal=st.sampled_from(["lunch", "dinner"]))
    def book(self, who: int, ahead: int, meal: str) -> None:
        elder = self.elders[who]
        try:
            with session_scope() as s:
                booking = meals.book_meal(s, actor=s.get(Person, elder), person_id=elder,
                                          canteen_id=self.canteen_id, meal=meal, count=1,
                                          day=TODAY + timedelta(days=ahead), delivery=False)
                booking_id, subsidy = booking.id, booking.subsidy_fen
        except meals.AlreadyBooked:
            return
        expected = FUND_MEAL if self.balance >= FUND_MEAL else PUBLIC_MEAL
        assert subsidy == expected
        self.balance -= FUND_MEAL if expected == FUND_MEAL else 0
        self.bookings[booking_id] = (elder, expected == FUND_MEAL)

    @rule(pick=st.integers(0, 100))
    def cancel(self, pick: int) -> None:
        if not self.bookings:
            return
        booking_id = sorted(self.bookings)[pick % len(self.bookings)]
        elder, paid = self.bookings.pop(booking_id)
        with session_scope() as s:
            meals.cancel_meal_booking(s, actor=s.get(Person, elder), booking_id=booking_id)
        self.balance += FUND_MEAL if paid else 0

    @rule(yuan=st.integers(1, 15))
    def pay_project(self, yuan: int) -> None:
        try:
            with session_scope() as s:
                funds.pay_fund_project(s, actor=s.get(Person, self.admin_id), fund_id=self.fund_id,
                                       title="项目", amount_fen=yuan * 100, paid_on=TODAY)
        except LinliError as exc:
            assert isinstance(exc, funds.FundEmpty) and self.balance < yuan * 100
            return
        self.balance -= yuan * 100

    @invariant()
    def books_balance(self) -> None:
        with session_scope() as s:
            assert funds.fund_balance_fen(s, fund_id=self.fund_id) == self.balance
            assert funds.reconcile_funds(s)["ok"] is True
            lowest = s.scalar(select(func.min(FundAccount.balance)).where(FundAccount.kind != "donors"))
            assert lowest is None or lowest >= 0


def test_fund_state_machine(db, frozen_clock):
    run_state_machine_as_test(FundMachine, settings=settings(
        max_examples=4, stateful_step_count=12, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))

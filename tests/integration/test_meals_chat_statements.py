"""What a chat booking costs in SQL statements: each row is read once in a turn (issue 25 §2).

Counted on the engine, as bench/wechat_turn_cost.py counts them, through the
real /wechat pipeline with the demo data. The numbers are ceilings: a change
that reads a row twice again (the canteen, the subsidy rules, the person, a
refund lookup for a booking no fund paid) fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select

from bot.simulator import WeChatSimulator
from core.db import get_engine, session_scope
from models.funds import FundPosting
from models.meals import CanteenMeal, MealBooking, MealSlot
from services.demo import load_demo_data

WANG = "demo_elder_wang"


@pytest.fixture
def statements(db: Any) -> Iterator[list[str]]:
    """Every statement the engine sends while the test runs, one line each."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.fixture
def wechat(db: Any, make_app: Any, memory_kv: Any, frozen_clock: Any) -> WeChatSimulator:
    with session_scope() as s:
        load_demo_data(s)
    app = make_app(db, memory_kv)
    sim = WeChatSimulator(app.test_client(), app.extensions["linli.settings"])
    sim.say(WANG, "你好")  # the first message opens the 48-hour window: a write of its own
    return sim


def _open_seats(day: date) -> None:
    """Open the day's seats rows, as the day's first booking would have."""
    with session_scope() as s:
        for served in s.scalars(select(CanteenMeal).where(CanteenMeal.meal == "lunch")):
            s.add(MealSlot(canteen_id=served.canteen_id, day=day, meal="lunch",
                           capacity=served.capacity, booked=0))


def _say(wechat: WeChatSimulator, statements: list[str], text: str) -> tuple[str, list[str]]:
    statements.clear()
    reply = wechat.say(WANG, text).content
    return reply, [s for s in statements if not s.upper().startswith(("BEGIN", "PRAGMA"))]


def test_a_chat_booking_reads_each_row_once(wechat, statements):
    readback, quote = _say(wechat, statements, "订后天午饭一份送到家")
    assert "12月1日（后天） 午餐 1份 送餐上门" in readback and "1 确认" in readback
    # person, the community's canteens (with their meals), subsidy rules with this month's
    # subsidy, the meal's seats: the canteen and the rules are not read a second time.
    assert len(quote) <= 4, quote
    assert sum("FROM canteens" in s for s in quote) == 1, quote
    assert sum("FROM subsidy_rules" in s for s in quote) == 1, quote

    _open_seats(date(2026, 12, 1))  # not the day's first booking, as most are
    done, commit = _say(wechat, statements, "1")
    assert "订好了" in done
    assert len(commit) <= 6, commit
    # The sender is read once; the lock on their row reads no column again.
    persons = [s for s in commit if "FROM persons" in s]
    assert len(persons) <= 2 and all("persons.name" not in s for s in persons[1:]), persons


def test_cancelling_a_booking_no_fund_paid_looks_up_no_refund(wechat, statements):
    _open_seats(date(2026, 12, 1))
    _say(wechat, statements, "订后天午饭一份送到家")
    _say(wechat, statements, "1")
    _say(wechat, statements, "取消后天的午饭")
    done, cancel = _say(wechat, statements, "1")
    assert "已取消" in done
    with session_scope() as s:
        [booking] = s.scalars(select(MealBooking))
        assert booking.status == "cancelled" and booking.breakdown["fund_id"] is None
        assert s.scalars(select(FundPosting).where(FundPosting.booking_id == booking.id)).all() == []
    assert not [s for s in cancel if "fund_postings" in s], cancel
    assert len(cancel) <= 5, cancel


def test_a_booking_reads_what_it_needs_in_the_fewest_statements(wechat, statements):
    """The lock rides on the canteen read, the month's subsidy on the rules, the check on the insert."""
    _, quote = _say(wechat, statements, "订后天午饭一份送到家")
    [rules] = [s for s in quote if "FROM subsidy_rules" in s]
    assert "sum(meal_bookings.subsidy_fen)" in rules, quote
    assert not [s for s in quote if s.startswith("SELECT coalesce(sum(")], quote

    _open_seats(date(2026, 12, 1))
    _, commit = _say(wechat, statements, "1")
    # person; lock + canteen; rules + month's subsidy; seats; the booking; the message log
    assert len(commit) <= 6, commit
    [lock] = [s for s in commit if "FROM persons" in s and "JOIN canteens" in s]
    if get_engine().dialect.name == "postgresql":  # SQLite serialises writers without locks
        assert lock.endswith("FOR NO KEY UPDATE OF persons"), lock
    assert sum("canteens" in s for s in commit) == 1, commit
    # No look for an existing booking before the insert: the active-booking index answers.
    assert not [s for s in commit if s.startswith("SELECT") and "FROM meal_bookings" in s
                and "sum(" not in s], commit
    [insert] = [s for s in commit if s.startswith("INSERT INTO meal_bookings")]
    assert "ON CONFLICT" in insert, insert
    # The month's subsidy is summed after the lock, never in the same statement.
    assert commit.index(lock) < next(i for i, s in enumerate(commit) if "sum(" in s), commit

    _say(wechat, statements, "取消后天的午饭")
    done, cancel = _say(wechat, statements, "1")
    assert "已取消" in done
    # person; the booking locked with its canteen; the booking; the seats; the message log
    assert len(cancel) <= 5, cancel
    assert sum("canteens" in s for s in cancel) == 1, cancel

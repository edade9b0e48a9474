"""Filing batches: never a record twice, even when two exports race (PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.errors import Conflict, NotAllowed
from models.filing import FiledRecord, FilingBatch
from models.help_requests import HelpRequest
from models.person import Person
from services.assistance import filing
from tests.help_factories import make_world, submit

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _resolved_requests(s: Any, n: int) -> Any:
    world = make_world(s)
    for i in range(n):
        made = submit(s, world.resident, description=f"第{i}件事")
        made.status = "resolved"
        made.resolved_at = datetime(2026, 11, 28, 10, i, tzinfo=SHANGHAI)
    s.flush()
    return world


def test_two_exports_racing_file_each_record_once(pg_db, frozen_clock):
    with session_scope() as s:
        _resolved_requests(s, 5)
    barrier = threading.Barrier(2)

    def export(_: int) -> Any:
        barrier.wait()
        try:
            with session_scope() as s:
                batch = filing.export_filing_batch(s, actor=None, since=date(2026, 11, 1))
                return None if batch is None else batch.number
        except Conflict as exc:
            return exc

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(export, range(2)))
    assert results.count(1) == 1, results
    with session_scope() as s:
        assert s.scalar(select(func.count()).select_from(FilingBatch)) == 1
        assert s.scalar(select(func.count()).select_from(FiledRecord)) == 5
        assert s.scalar(select(FilingBatch.rows)) == 5


def test_todays_records_wait_for_tomorrow_and_community_staff_are_refused(db, frozen_clock):
    with session_scope() as s:
        world = _resolved_requests(s, 1)
        today = submit(s, world.resident, description="今天办好的")
        today.status, today.resolved_at = "resolved", datetime(2026, 11, 29, 8, 0, tzinfo=SHANGHAI)
        staff_id = world.staff.id
    with session_scope() as s:
        batch = filing.export_filing_batch(s, actor=None, since=date(2026, 11, 1))
        assert batch is not None and batch.rows == 1 and str(batch.until) == "2026-11-28"
        filed = s.scalars(select(FiledRecord.source_id)).all()
        assert s.get(HelpRequest, filed[0]).resolved_at.date() == date(2026, 11, 28)
    with session_scope() as s, pytest.raises(NotAllowed):
        filing.export_filing_batch(s, actor=s.get_one(Person, staff_id), since=date(2026, 11, 1))

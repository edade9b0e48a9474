"""Points ledger figures: postings a second, and balance reads with 1,000,000 entries.

Run: .venv/bin/python bench/points_bench.py [--url postgresql://postgres@127.0.0.1:5432/linli_bench]
Without --url it uses a fresh SQLite file under /tmp. Prints figures; never part of the test run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


from core import clock  # noqa: E402
from core.config import load_settings, use_settings
from core.db import configure_database, session_scope
from core.migrate import upgrade_to_head
from models.volunteers import ServiceRecord
from services.volunteers.ledger import (
    get_points_balance,
    mint_points_for_service,
    reconcile_ledger,
    sum_points_balance,
    volunteer_account,
)
from tests.volunteer_factories import make_volunteer

POSTINGS = 1000
TARGET_ENTRIES = 1_000_000
VOLUNTEERS = 1000


def _timed(fn: Callable[[], object], repeat: int = 20) -> float:
    """Return the median milliseconds of `fn` over `repeat` runs."""
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def bench_postings(volunteer_id: int, community_id: int) -> float:
    """Mint one posting per unit of work, as verification does; return postings a second."""
    start = time.perf_counter()
    for _ in range(POSTINGS):
        with session_scope() as s:
            record = ServiceRecord(volunteer_id=volunteer_id, community_id=community_id, source="logged",
                                   status="verified", service_day=time_today(), minutes=60,
                                   description="bench")
            s.add(record)
            s.flush()
            mint_points_for_service(s, record=record, actor_id=None)
    return POSTINGS / (time.perf_counter() - start)


def time_today() -> date:
    return clock.today()


def fill_ledger(dialect: str) -> None:
    """Bulk-append balanced postings until the ledger holds 1,000,000 entries."""
    with session_scope() as s:
        have = s.execute(text("SELECT count(*) FROM points_entries")).scalar_one()
        pairs = (TARGET_ENTRIES - have) // 2
        issuer = s.execute(text("SELECT id FROM points_accounts WHERE kind='issuer'")).scalar_one()
        accounts = [r[0] for r in s.execute(text("SELECT id FROM points_accounts WHERE kind='volunteer'"))]
        base = s.execute(text("SELECT coalesce(max(id), 0) FROM points_postings")).scalar_one()
        series = ("generate_series(1, :n) AS g(x)" if dialect == "postgresql" else
                  "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) SELECT x FROM c)")
        now = "CURRENT_TIMESTAMP"
        s.execute(text(f"INSERT INTO points_postings (id, kind, memo, created_at) "
                       f"SELECT :base + x, 'service', 'bench', {now} FROM {series}"), {"n": pairs, "base": base})
        first, count = min(accounts), len(accounts)
        s.execute(text(f"INSERT INTO points_entries (posting_id, account_id, amount, created_at) "
                       f"SELECT :base + x, :issuer, -1, {now} FROM {series}"),
                  {"n": pairs, "base": base, "issuer": issuer})
        s.execute(text(f"INSERT INTO points_entries (posting_id, account_id, amount, created_at) "
                       f"SELECT :base + x, :first + (x % :count), 1, {now} FROM {series}"),
                  {"n": pairs, "base": base, "first": first, "count": count})
        # Keep the cached balances equal to the sums, as postings would have.
        s.execute(text("UPDATE points_accounts SET balance = (SELECT coalesce(sum(amount), 0) "
                       "FROM points_entries e WHERE e.account_id = points_accounts.id)"))
        if dialect == "postgresql":
            s.execute(text("SELECT setval(pg_get_serial_sequence('points_postings', 'id'), "
                           "(SELECT max(id) FROM points_postings))"))
    if dialect == "postgresql":
        with session_scope() as s:
            s.execute(text("ANALYZE points_entries"))
    else:
        with session_scope() as s:
            s.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="")
    url = parser.parse_args().url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'points_bench.db'}"
    use_settings(load_settings(environ={"LINLI_ENV": "test", "DATABASE_URL": url}, dotenv=Path("/nonexistent")))
    upgrade_to_head(url)
    engine = configure_database(url)
    dialect = engine.dialect.name
    with session_scope() as s:
        people = [make_volunteer(s) for _ in range(VOLUNTEERS)]
        for person in people:
            volunteer_account(s, person_id=person.id)
        hot, community = people[0].id, people[0].community_id
    print(f"database: {dialect}")
    print(f"postings a second (one unit of work each, {POSTINGS} postings): {bench_postings(hot, community):,.0f}")
    start = time.perf_counter()
    fill_ledger(dialect)
    print(f"filled the ledger to 1,000,000 entries in {time.perf_counter() - start:.1f} s")
    with session_scope(readonly=True) as s:
        total = s.execute(text("SELECT count(*) FROM points_entries")).scalar_one()
        print(f"entries in the ledger: {total:,}")
        print(f"balance read (cached row): {_timed(lambda: get_points_balance(s, person_id=hot)):.3f} ms "
              f"-> {get_points_balance(s, person_id=hot):,}")
        mine = s.execute(text("SELECT count(*) FROM points_entries e JOIN points_accounts a "
                              "ON a.id = e.account_id WHERE a.person_id = :p"), {"p": hot}).scalar_one()
        print(f"balance as a sum of its {mine:,} entries (covering index): "
              f"{_timed(lambda: sum_points_balance(s, person_id=hot)):.3f} ms")
        issuer_sum = text("SELECT sum(amount) FROM points_entries WHERE account_id = "
                          "(SELECT id FROM points_accounts WHERE kind = 'issuer')")
        ms = _timed(lambda: s.execute(issuer_sum).scalar(), 3)
        print(f"issuer balance as a sum of its {total // 2:,} entries: {ms:.1f} ms")
        start = time.perf_counter()
        report = reconcile_ledger(s)
        print(f"reconcile_ledger over every account: {(time.perf_counter() - start) * 1000:.0f} ms, ok={report['ok']}")


if __name__ == "__main__":
    main()

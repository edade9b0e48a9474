"""Staff console page times: p50/p95 of the queue, dashboard and monitoring pages on PostgreSQL.

Run: .venv/bin/python bench/console_bench.py [--requests 100000] [--bookings 1000000] [--runs 30]
It creates its own database on the PostgreSQL server named by TEST_DATABASE_URL
(default postgresql://postgres@127.0.0.1:5432/postgres), migrates it, loads the demo
data, bulk-loads 2,000 residents, `--requests` help requests, `--bookings` meal bookings
and 50,000 volunteer service records into 阳光社区 with COPY, then signs in as `liu`
and times each page through the real app (Flask test client, one process). Prints
one line per page and drops the database. Never part of the test run.

To keep a loaded database between runs (loading takes a few minutes):
`--keep-db NAME` loads into database NAME and keeps it; `--reuse-db NAME` skips the load,
migrates NAME to head, rebuilds the rollups and times the pages again (also kept).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import select  # noqa: E402

from core import crypto  # noqa: E402
from core.config import load_settings, use_settings  # noqa: E402
from core.db import dispose_database, get_engine, session_scope  # noqa: E402
from core.kv import MemoryKV  # noqa: E402
from core.migrate import upgrade_to_head  # noqa: E402
from models.meals import Canteen  # noqa: E402
from models.person import Person  # noqa: E402
from services.demo import load_demo_data  # noqa: E402
from services.meals import rebuild_meal_rollups  # noqa: E402
from tests import services as test_services  # noqa: E402
from tests.console_client import login  # noqa: E402

RESIDENTS = 2000
SERVICE_RECORDS = 50_000
CATEGORIES = ("living", "medical", "housing", "education", "employment", "care", "other")
STATUSES = ("submitted", "accepted", "assigned", "in_progress", "resolved", "closed", "cancelled")
MEALS = ("breakfast", "lunch", "dinner")
PAGES = ("/console/requests", "/console/requests?status=submitted&urgency=normal",
         "/console/", "/console/monitoring", "/console/alerts")


def _copy(conn: psycopg.Connection[Any], table: str, columns: str, rows: Iterator[str]) -> int:
    """Stream tab-separated rows into a table with COPY; return how many."""
    count = 0
    with conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in rows:
            buffer.write(row)
            count += 1
            if count % 20_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


def _residents(conn: psycopg.Connection[Any], community_id: int, now: datetime) -> list[int]:
    rows = (f"{community_id}\tf\t{now.isoformat()}\t{now.isoformat()}\tbench_{i}\n"
            for i in range(RESIDENTS))
    _copy(conn, "persons", "community_id, living_alone, created_at, updated_at, mp_openid", rows)
    found = conn.execute("SELECT id FROM persons WHERE mp_openid LIKE 'bench_%' ORDER BY id")
    return [r[0] for r in found.fetchall()]


def _requests(conn: psycopg.Connection[Any], n: int, people: list[int], community_id: int,
              now: datetime) -> int:
    sealed = crypto.encrypt("需要帮忙（压测数据）")

    def rows() -> Iterator[str]:
        for i in range(n):
            created = now - timedelta(minutes=5 * (n - i))
            status = STATUSES[i % len(STATUSES)]
            yield (f"QB-{i:08d}\tminiprogram\t{people[i % len(people)]}\t{community_id}\t"
                   f"{CATEGORIES[i % 7]}\t{'emergency' if i % 50 == 0 else 'normal'}\t{sealed}\t"
                   f"f\t{status}\tdefault\t{(created + timedelta(hours=4)).isoformat()}\t"
                   f"{(created + timedelta(days=3)).isoformat()}\t0\t{created.isoformat()}\t"
                   f"{created.isoformat()}\n")

    return _copy(conn, "help_requests", "code, channel, requester_id, community_id, category, "
                 "urgency, description, needs_human, status, queue, accept_due_at, resolve_due_at,"
                 " escalation_level, created_at, updated_at", rows())


def _bookings(conn: psycopg.Connection[Any], n: int, people: list[int], canteen_id: int,
              today: date, now: datetime) -> int:
    def rows() -> Iterator[str]:
        for i in range(n):
            person = people[i % len(people)]
            slot = i // len(people)
            day = today - timedelta(days=1 + slot // len(MEALS))
            status = "no_show" if i % 23 == 0 else "served"
            yield (f"{person}\t{canteen_id}\t{day.isoformat()}\t{MEALS[slot % 3]}\t1\tf\t1000\t300\t"
                   f"700\t压测\t{{}}\t{person}\tminiprogram\t{status}\t{now.isoformat()}\t"
                   f"{now.isoformat()}\n")

    # The rollup trigger would queue a million moves for the commit; one rebuild follows.
    conn.execute("ALTER TABLE meal_bookings DISABLE TRIGGER meal_bookings_roll_up")
    copied = _copy(conn, "meal_bookings", "person_id, canteen_id, day, meal, count, delivery, "
                   "price_fen, subsidy_fen, payable_fen, reason, breakdown, booked_by_id, channel, "
                   "status, created_at, updated_at", rows())
    conn.execute("ALTER TABLE meal_bookings ENABLE TRIGGER meal_bookings_roll_up")
    return copied


def _service_records(conn: psycopg.Connection[Any], people: list[int], community_id: int,
                     today: date, now: datetime) -> int:
    rows = (f"{people[i % len(people)]}\t{people[(i + 1) % len(people)]}\t{community_id}\tlogged\t"
            f"verified\t{(today - timedelta(days=i % 180)).isoformat()}\t{30 + i % 120}\tf\tf\t"
            f"{now.isoformat()}\t{now.isoformat()}\n" for i in range(SERVICE_RECORDS))
    return _copy(conn, "service_records", "volunteer_id, beneficiary_id, community_id, source, "
                 "status, service_day, minutes, flagged, needs_staff, created_at, updated_at", rows)


def _load(url: str, args: argparse.Namespace) -> None:
    with session_scope() as s:
        load_demo_data(s)
        liu = s.scalars(select(Person).where(Person.oa_openid == "demo_staff_liu")).one()
        community_id = liu.community_id
        canteen_id = s.scalars(select(Canteen.id).where(Canteen.community_id == community_id)).first()
    assert community_id is not None and canteen_id is not None
    now, today = datetime.now(UTC), date.today()
    started = time.perf_counter()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        people = _residents(conn, community_id, now)
        made = _requests(conn, args.requests, people, community_id, now)
        booked = _bookings(conn, args.bookings, people, canteen_id, today, now)
        served = _service_records(conn, people, community_id, today, now)
    _rebuild_rollups()
    # As autovacuum would: statistics, and the visibility map that index-only scans need.
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"loaded {made:,} help requests, {booked:,} bookings, {served:,} service records "
          f"in {time.perf_counter() - started:.1f}s")


def _rebuild_rollups() -> None:
    """The bookings were copied with the rollup trigger off: recompute the rollup from them."""
    started = time.perf_counter()
    with session_scope() as s:
        rows = rebuild_meal_rollups(s)
    print(f"rebuilt {rows:,} meal rollup rows in {time.perf_counter() - started:.1f}s")


def _time(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    for _ in range(2):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--bookings", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=30)
    keep = parser.add_mutually_exclusive_group()
    keep.add_argument("--keep-db", metavar="NAME", help="load into database NAME and keep it")
    keep.add_argument("--reuse-db", metavar="NAME", help="time pages on a database kept earlier")
    args = parser.parse_args()
    if not test_services.pg_available():
        print("PostgreSQL is not reachable; set TEST_DATABASE_URL")
        return
    name = args.reuse_db or args.keep_db or f"linli_console_bench_{uuid.uuid4().hex[:6]}"
    url = _kept_url(name) if args.reuse_db else test_services.create_pg_database(name)
    settings = use_settings(load_settings(environ={"LINLI_ENV": "test"}, dotenv=Path("/nonexistent"))
                            .with_(database_url=url, log_level="WARNING"))
    try:
        upgrade_to_head(url)
        from app import create_app

        app = create_app(settings, kv=MemoryKV())
        if args.reuse_db:
            _rebuild_rollups()
        else:
            _load(url, args)
        client = app.test_client()
        assert login(client).status_code == 302, "could not sign in as liu"
        for path in PAGES:
            p50, p95 = _time(lambda path=path: _check(client.get(path)), args.runs)  # type: ignore[misc]
            print(f"{path:<52} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({args.runs} runs)")
    finally:
        get_engine().dispose()
        dispose_database(url)
        if not (args.keep_db or args.reuse_db):
            test_services.drop_pg_database(name)


def _kept_url(name: str) -> str:
    """Return the SQLAlchemy URL of an existing database on the test server."""
    from sqlalchemy.engine import make_url

    server = test_services.pg_server_url().replace("postgresql+psycopg://", "postgresql://")
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _check(response: Any) -> None:
    if response.status_code != 200:
        raise SystemExit(f"page answered {response.status_code}")


if __name__ == "__main__":
    main()

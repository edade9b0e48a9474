"""Meal bookings per second (service layer and HTTP) and the kitchen summary, on PostgreSQL.

    .venv/bin/python bench/meals_bench.py [--seconds 8] [--clients 8]

Creates its own database on BENCH_DATABASE_URL's server (default the local
PostgreSQL), migrates it, seeds a canteen and people, then prints figures.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from core import clock  # noqa: E402
from core.config import load_settings, use_settings  # noqa: E402
from core.db import configure_database, dispose_database, session_scope  # noqa: E402
from core.migrate import upgrade_to_head  # noqa: E402
from models.meals import Canteen, MealBooking  # noqa: E402
from models.person import Person  # noqa: E402

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PORT = 8771


def http_app():  # type: ignore[no-untyped-def]
    """Build the app for gunicorn with rate limits off (all clients share one address)."""
    from app import create_app

    app = create_app()
    app.config["RATE_LIMITS"] = {"ip": None, "person": None}
    return app


def _create_db() -> tuple[str, str]:
    import psycopg

    name = f"linli_bench_meals_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, SERVER.rsplit("/", 1)[0] + "/" + name


def _drop_db(name: str) -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seed(people: int) -> tuple[int, list[int]]:
    from tests.factories import make_community
    from tests.meals_factories import make_canteen, make_elder

    with session_scope() as s:
        community = make_community(s)
        canteen = make_canteen(s, community=community, capacity=1_000_000)
        ids = [make_elder(s, community=community, age=70 + i % 20).id for i in range(people)]
        return canteen.id, ids


def _jobs(ids: list[int]) -> queue.Queue[tuple[int, object, str]]:
    jobs: queue.Queue[tuple[int, object, str]] = queue.Queue()
    first = clock.today() + timedelta(days=2)
    for offset in range(10):
        for meal in ("lunch", "dinner"):
            for pid in ids:
                jobs.put((pid, first + timedelta(days=offset), meal))
    return jobs


def _run_clients(clients: int, seconds: float, work) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    done = [0] * clients
    stop = time.monotonic() + seconds

    def loop(n: int) -> None:
        while time.monotonic() < stop:
            work()
            done[n] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done), time.monotonic() - started


def bench_service(canteen_id: int, jobs: queue.Queue, clients: int, seconds: float) -> float:  # type: ignore[type-arg]
    from services.meals import book_meal

    def one() -> None:
        pid, day, meal = jobs.get_nowait()
        with session_scope() as s:
            actor = s.get(Person, pid)
            book_meal(s, actor=actor, person_id=pid, canteen_id=canteen_id, day=day, meal=meal,
                      count=1, delivery=False)

    count, elapsed = _run_clients(clients, seconds, one)
    return count / elapsed


def bench_http(url: str, canteen_id: int, jobs: queue.Queue, clients: int, seconds: float) -> float:  # type: ignore[type-arg]
    from services.access.tokens import issue_token

    tokens: dict[int, str] = {}
    with session_scope() as s:
        for pid in {job[0] for job in list(jobs.queue)[:2000]}:
            tokens[pid] = issue_token(s, person=s.get(Person, pid))
    env = {**os.environ, "LINLI_ENV": "test", "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "4", "--threads", "2", "-b", f"127.0.0.1:{PORT}",
         "--log-level", "warning", "bench.meals_bench:http_app()"], cwd=ROOT, env=env)
    try:
        _wait_for_server()

        def one() -> None:
            pid, day, meal = jobs.get_nowait()
            while pid not in tokens:
                pid, day, meal = jobs.get_nowait()
            body = json.dumps({"canteen_id": canteen_id, "date": str(day), "meal": meal}).encode()
            req = urllib.request.Request(
                f"http://127.0.0.1:{PORT}/api/v1/meal-bookings", data=body, method="POST",
                headers={"Authorization": f"Bearer {tokens[pid]}",
                         "Content-Type": "application/json"})
            with urllib.request.urlopen(req, timeout=30) as response:
                assert response.status == 201

        count, elapsed = _run_clients(clients, seconds, one)
        return count / elapsed
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for_server() -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def bench_kitchen(canteen_id: int, ids: list[int], bookings: int) -> float:
    from services.meals import kitchen_summary
    from tests.meals_factories import make_operator

    day = clock.today() + timedelta(days=1)
    rows = [{"person_id": ids[i % len(ids)], "canteen_id": canteen_id, "day": day,
             "meal": ("breakfast", "lunch", "dinner")[i % 3], "count": 1, "delivery": i % 4 == 0,
             "price_fen": 800, "subsidy_fen": 200, "payable_fen": 600, "reason": "基准",
             "breakdown": {}, "booked_by_id": ids[i % len(ids)], "channel": "chat",
             "status": "served" if i % 7 == 0 else "no_show" if i % 11 == 0 else "served",
             "note": "少盐" if i % 9 == 0 else None, "created_at": clock.now(),
             "updated_at": clock.now()} for i in range(bookings)]
    with session_scope() as s:
        s.execute(insert(MealBooking), rows)
        operator_id = make_operator(s, s.get(Canteen, canteen_id)).id
    with session_scope() as s:
        operator = s.get(Person, operator_id)
        started = time.perf_counter()
        summary = kitchen_summary(s, actor=operator, canteen_id=canteen_id, day=day)
        elapsed = time.perf_counter() - started
        assert sum(c.booked for c in summary.counts.values()) == bookings
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--people", type=int, default=1500)
    args = parser.parse_args()
    name, url = _create_db()
    try:
        use_settings(load_settings(environ={"LINLI_ENV": "test", "DATABASE_URL": url},
                                   dotenv=Path("/nonexistent")))
        upgrade_to_head(url)
        configure_database(url)
        canteen_id, ids = _seed(args.people)
        jobs = _jobs(ids)
        svc = bench_service(canteen_id, jobs, args.clients, args.seconds)
        print(f"service layer: {svc:.0f} bookings/s ({args.clients} threads, PostgreSQL)")
        web = bench_http(url, canteen_id, jobs, args.clients, args.seconds)
        print(f"HTTP (gunicorn 4 workers x 2 threads): {web:.0f} bookings/s ({args.clients} clients)")
        with session_scope() as s:
            total = len(s.scalars(select(MealBooking.id)).all())
        print(f"bookings written: {total}")
        elapsed = bench_kitchen(canteen_id, ids, 10_000)
        print(f"kitchen summary over 10,000 bookings: {elapsed * 1000:.0f} ms")
    finally:
        dispose_database(url)
        _drop_db(name)


if __name__ == "__main__":
    main()

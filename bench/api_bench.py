"""API throughput: requests/s and p99 of list routes with 100,000 rows behind them.

Run: .venv/bin/python bench/api_bench.py [--rows 100000] [--seconds 10] [--connections 8]
It creates its own PostgreSQL database (BENCH_DATABASE_URL names the server,
default postgresql://postgres@127.0.0.1:5432/postgres), migrates it, loads the
demo data, bulk-inserts `--rows` meal bookings and help requests spread over
2,000 residents (50 each belong to the benchmarked resident), serves the app
with gunicorn (2 workers x 4 threads, rate limits off) and drives it from
`--connections` keep-alive clients. Routes that do not exist yet are replaced
by GET /api/v1/me and GET /api/v1/staff/alerts, and the output says so.
Prints one line per route; never part of the test run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from core import clock  # noqa: E402
from core.config import Settings, load_settings, use_settings  # noqa: E402
from core.db import configure_database, dispose_database, session_scope  # noqa: E402
from core.migrate import upgrade_to_head  # noqa: E402
from models.person import Person  # noqa: E402
from services.access.tokens import issue_token  # noqa: E402
from services.demo import load_demo_data  # noqa: E402
from tests import services as test_services  # noqa: E402

PEOPLE = 2000
WANTED = ["/api/v1/meal-bookings", "/api/v1/help-requests"]
FALLBACK = ["/api/v1/me", "/api/v1/staff/alerts"]
BATCH = 5000


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _residents(n: int) -> list[int]:
    with session_scope() as s:
        rows = [{"mp_openid": f"bench_{i}_{uuid.uuid4().hex[:6]}", "living_alone": False}
                for i in range(n)]
        s.execute(insert(Person), rows)
        return list(s.scalars(select(Person.id).where(Person.mp_openid.like("bench_%"))))


def _bulk(model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        with session_scope() as s:
            s.execute(insert(model), rows[start:start + BATCH])


def _fill_meal_bookings(total: int, people: list[int], me: int) -> None:
    from models.meals import Canteen, MealBooking

    with session_scope(readonly=True) as s:
        canteen_id = s.scalars(select(Canteen.id).order_by(Canteen.id)).first()
    if canteen_id is None:
        raise SystemExit("no canteen in the demo data: cannot build meal bookings")
    today = clock.today()
    owners = [me] * 50 + [p for p in people for _ in range(50)]
    rows = [{"person_id": owner, "canteen_id": canteen_id, "day": today + timedelta(days=i % 50),
             "meal": "lunch", "count": 1, "delivery": False, "price_fen": 1500,
             "subsidy_fen": 500, "payable_fen": 1000, "reason": "bench", "breakdown": {},
             "booked_by_id": owner, "channel": "miniprogram", "status": "booked"}
            for i, owner in enumerate(owners[:total])]
    _bulk(MealBooking, rows)


def _fill_help_requests(total: int, people: list[int], me: int) -> None:
    from models.help_requests import HelpRequest

    now = clock.now()
    owners = [me] * 50 + [p for p in people for _ in range(50)]
    rows = [{"code": f"QZ-BENCH-{i:07d}", "channel": "miniprogram", "requester_id": owner,
             "category": "living", "urgency": "normal", "description": "帮忙买菜",
             "status": "submitted", "accept_due_at": now + timedelta(hours=4),
             "resolve_due_at": now + timedelta(days=3)}
            for i, owner in enumerate(owners[:total])]
    _bulk(HelpRequest, rows)


def _serve(settings: Settings, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {"bind": f"127.0.0.1:{port}", "workers": 2, "threads": 4,
                               "worker_class": "gthread", "loglevel": "warning",
                               "accesslog": None}.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from app import create_app

            app = create_app(settings)
            app.config["RATE_LIMITS"] = {"ip": None, "person": None}
            return app

    Server().run()


def _drive(url: str, token: str, seconds: float, connections: int) -> tuple[int, list[float], int]:
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    deadline = time.perf_counter() + seconds

    def client(i: int) -> None:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token}"
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            response = http.get(url)
            latencies[i].append((time.perf_counter() - start) * 1000)
            errors[i] += response.status_code != 200

    threads = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = [x for xs in latencies for x in xs]
    return len(flat), flat, sum(errors)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(base: str) -> None:
    for _ in range(200):
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise SystemExit("the server did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    name = f"linli_bench_{uuid.uuid4().hex[:8]}"
    url = test_services.create_pg_database(name)
    settings = use_settings(load_settings(environ={"LINLI_ENV": "demo", "DATABASE_URL": url}))
    try:
        _run(settings, url, args)
    finally:
        dispose_database(url)
        test_services.drop_pg_database(name)


def _run(settings: Settings, url: str, args: argparse.Namespace) -> None:
    upgrade_to_head(url)
    configure_database(url)
    from app import create_app

    app = create_app(settings)
    present = {rule.rule for rule in app.url_map.iter_rules()}
    routes = [r for r in WANTED if r in present]
    with session_scope() as s:
        load_demo_data(s)
        me = s.scalars(select(Person).where(Person.oa_openid == "demo_staff_liu")).one()
        token, me_id = issue_token(s, person=me), me.id
    people = _residents(PEOPLE)
    started = time.perf_counter()
    if "/api/v1/meal-bookings" in routes:
        _fill_meal_bookings(args.rows, people, me_id)
    if "/api/v1/help-requests" in routes:
        _fill_help_requests(args.rows, people, me_id)
    print(f"filled {args.rows} rows per table in {time.perf_counter() - started:.1f} s")
    missing = [r for r in WANTED if r not in present]
    if missing:
        print(f"not built yet: {', '.join(missing)}; benching {', '.join(FALLBACK)} as well")
        routes += FALLBACK
    dispose_database(url)
    port = _free_port()
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(settings, port))
    server.start()
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(base)
        for route in routes:
            _drive(base + route, token, 1.0, args.connections)  # warm up
            count, millis, errors = _drive(base + route, token, args.seconds, args.connections)
            print(f"GET {route:24s} {count / args.seconds:8.1f} req/s  "
                  f"p50={_percentile(millis, 50):6.1f} ms  p99={_percentile(millis, 99):6.1f} ms  "
                  f"non-200={errors}  connections={args.connections}")
    finally:
        server.terminate()
        server.join(timeout=10)


if __name__ == "__main__":
    main()

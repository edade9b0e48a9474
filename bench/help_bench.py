"""Emergency latency: from submission to the committed alert and its ready outbox rows.

Run: .venv/bin/python bench/help_bench.py [--n 200] [--pg] [--no-chat]
Two paths, each one unit of work per emergency, each from a different resident:
  service  submit_help_request(urgency="emergency") in session_scope(), timed to after commit
  chat     a signed WeChat text message ("我老伴摔倒了") POSTed to /wechat, timed to the reply
After each path the alert and the PRIORITY_URGENT outbox rows are counted to prove they were
committed. Prints p50 / p99 / max in milliseconds; never part of the test run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from core.config import load_settings, use_settings  # noqa: E402
from core.db import configure_database, dispose_database, session_scope  # noqa: E402
from core.kv import MemoryKV  # noqa: E402
from core.migrate import upgrade_to_head  # noqa: E402
from models.messaging import PRIORITY_URGENT, Notification  # noqa: E402
from models.monitoring import RiskAlert  # noqa: E402
from models.person import Person  # noqa: E402
from services.help_requests import submit_help_request  # noqa: E402
from tests.factories import make_community, make_organisation, make_person  # noqa: E402

STAFF_PER_COMMUNITY = 3


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _report(name: str, millis: list[float], alerts: int, urgent_rows: int) -> None:
    print(f"{name:8s} n={len(millis):4d}  p50={_percentile(millis, 50):7.2f} ms  "
          f"p99={_percentile(millis, 99):7.2f} ms  max={max(millis):7.2f} ms  "
          f"mean={statistics.fmean(millis):7.2f} ms  alerts={alerts}  urgent_outbox={urgent_rows}")


def _world(n: int) -> list[int]:
    with session_scope() as s:
        community = make_community(s)
        make_organisation(s, kind="civil_affairs", community=community)
        for _ in range(STAFF_PER_COMMUNITY):
            make_person(s, roles=("staff",), community=community)
        return [make_person(s, community=community, address="幸福路1号").id for _ in range(n)]


def _committed() -> tuple[int, int]:
    with session_scope(readonly=True) as s:
        alerts = s.scalar(select(func.count()).select_from(RiskAlert).where(RiskAlert.kind == "emergency"))
        urgent = s.scalar(select(func.count()).select_from(Notification).where(
            Notification.priority == PRIORITY_URGENT, Notification.status == "pending"))
        return int(alerts or 0), int(urgent or 0)


def _time(calls: list[Callable[[], None]]) -> list[float]:
    millis = []
    for call in calls:
        start = time.perf_counter()
        call()
        millis.append((time.perf_counter() - start) * 1000)
    return millis


def bench_service(people: list[int]) -> list[float]:
    def one(person_id: int) -> Callable[[], None]:
        def run() -> None:
            with session_scope() as s:
                submit_help_request(s, actor=s.get(Person, person_id), category="medical",
                                    urgency="emergency", description="老伴摔倒了起不来",
                                    source_key=f"bench:{uuid.uuid4().hex}")
        return run

    return _time([one(p) for p in people])


def bench_chat(settings, people: list[int]) -> list[float]:  # type: ignore[no-untyped-def]
    from app import create_app
    from bot.simulator import WeChatSimulator

    app = create_app(settings, kv=MemoryKV())
    simulator = WeChatSimulator(app.test_client(), settings)
    with session_scope(readonly=True) as s:
        openids = [s.get(Person, p).oa_openid for p in people]  # type: ignore[union-attr]

    def one(openid: str) -> Callable[[], None]:
        def run() -> None:
            reply = simulator.say(openid, "我老伴摔倒了，快来人")
            if "编号QZ-" not in reply.content:
                raise SystemExit(f"chat path did not file an emergency: {reply.content!r}")
        return run

    return _time([one(o) for o in openids if o])


def _database(pg: bool) -> tuple[str, Callable[[], None]]:
    if pg:
        from tests import services

        name = f"linli_bench_{uuid.uuid4().hex[:8]}"
        url = services.create_pg_database(name)
        return url, lambda: (dispose_database(url), services.drop_pg_database(name))
    path = Path(tempfile.mkdtemp()) / "bench.db"
    return f"sqlite:///{path}", lambda: dispose_database(f"sqlite:///{path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL on 127.0.0.1 instead of SQLite")
    parser.add_argument("--no-chat", action="store_true")
    args = parser.parse_args()
    url, cleanup = _database(args.pg)
    try:
        upgrade_to_head(url)
        settings = use_settings(load_settings(environ={"LINLI_ENV": "test", "DATABASE_URL": url},
                                              dotenv=Path("/nonexistent")))
        configure_database(url)
        print(f"backend={'postgresql' if args.pg else 'sqlite'}  staff alerted per emergency="
              f"{STAFF_PER_COMMUNITY}")
        millis = bench_service(_world(args.n))
        _report("service", millis, *_committed())
        if not args.no_chat:
            chat_people = _world(args.n)
            before = _committed()
            millis = bench_chat(settings, chat_people)
            after = _committed()
            _report("chat", millis, after[0] - before[0], after[1] - before[1])
    finally:
        cleanup()


if __name__ == "__main__":
    main()

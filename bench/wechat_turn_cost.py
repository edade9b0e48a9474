"""What one /wechat message costs, by kind: CPU, SQL statements and store round trips.

Run: .venv/bin/python bench/wechat_turn_cost.py [--rounds 3]
Needs PostgreSQL and Redis (as bench/wechat_bench.py). One process, one
message at a time through the Flask test client and the real pipeline
(signed XML in, XML out), PostgreSQL and Redis; the turn runs on the
request's thread so the figures are its own. Prints, per kind of message in
bench/wechat_bench.py's realistic mix, the CPU milliseconds, SQL statements
and store round trips per message. Never part of the test run.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import Future
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import wechat_bench  # noqa: E402

from tests import services as test_services  # noqa: E402

TURNS = [("book: 订后天午饭一份送到家", "订后天午饭一份送到家"), ("book: 1 (commit)", "1"),
         ("cancel: 取消后天的午饭", "取消后天的午饭"), ("cancel: 1 (commit)", "1"),
         # The open-loop mix reaches this too: its runs start the mix from the top while the
         # residents' dialogues carry on, so a "1" comes when nothing is open.
         ("bare: 1 (nothing open)", "1")]


class _Inline:
    """Run the turn on the calling thread (the pool hop is measured by wechat_bench)."""

    def submit(self, fn: Any, *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args))
        return future


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every resident")
    parser.add_argument("--sql", action="store_true", help="also print each kind's statements")
    parser.add_argument("--store", choices=("redis", "memory"), default="redis",
                        help="the shared store: Redis, or the embedded one of `make run`")
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    name = f"linli_turn_cost_{uuid.uuid4().hex[:8]}"
    db_url = test_services.create_pg_database(name)
    try:
        return _measure(db_url, args.rounds, args.sql, args.store)
    finally:
        from core.db import dispose_database

        dispose_database(db_url)
        test_services.drop_pg_database(name)


def _measure(db_url: str, rounds: int, show_sql: bool, store_kind: str) -> int:
    from sqlalchemy import event

    import bot.pipeline
    from app import create_app
    from bot.simulator import WeChatSimulator
    from core.config import get_settings
    from core.db import get_engine

    wechat_bench.prepare_database(db_url)
    redis_url = test_services.redis_url() if store_kind == "redis" else ""
    settings = get_settings().with_(database_url=db_url, redis_url=redis_url,
                                    wechat_token=wechat_bench.TOKEN,
                                    kv_prefix=f"linli-turn-cost-{uuid.uuid4().hex[:6]}:")
    app = create_app(settings)
    bot.pipeline._executor = lambda: _Inline()  # type: ignore[assignment,return-value]
    sim = WeChatSimulator(app.test_client(), settings)
    counts = {"sql": 0, "kv": 0}
    statements: list[str] = []

    @event.listens_for(get_engine(), "before_cursor_execute")
    def _count_sql(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counts["sql"] += 1
        statements.append(" ".join(statement.split())[:160])

    kv = app.extensions["linli.kv"]
    real = kv.client.execute_command  # every command and script, on either store

    def counted(*a: Any, **k: Any) -> Any:
        counts["kv"] += 1
        return real(*a, **k)

    kv.client.execute_command = counted
    cpu: dict[str, float] = defaultdict(float)
    sql: Counter[str] = Counter()
    store: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    kinds = TURNS + [(f"one-shot: {t}", t) for t in wechat_bench.ONE_SHOTS]
    for r in range(rounds + 1):
        for n in range(wechat_bench.RESIDENTS):
            for kind, text in kinds:
                counts["sql"] = counts["kv"] = 0
                statements.clear()
                started = time.process_time()
                reply = sim.say(wechat_bench.resident(n), text)
                spent = time.process_time() - started
                assert reply.status == 200, reply.body
                if show_sql and r == rounds and n == 0:
                    print(f"-- {kind}", *statements, sep="\n   ")
                if r == 0:
                    continue  # the first round warms caches and opens 48-hour windows
                cpu[kind] += spent
                sql[kind] += counts["sql"]
                store[kind] += counts["kv"]
                seen[kind] += 1
    print(f"{'message':<34} {'CPU ms':>7} {'SQL':>5} {'store':>6}")
    for kind, _text in kinds:
        k = seen[kind]
        print(f"{kind:<34} {1000 * cpu[kind] / k:>7.2f} {sql[kind] / k:>5.1f} {store[kind] / k:>6.1f}")
    total = sum(seen.values())
    print(f"{'mean over the kinds':<34} {1000 * sum(cpu.values()) / total:>7.2f} "
          f"{sum(sql.values()) / total:>5.1f} {sum(store.values()) / total:>6.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

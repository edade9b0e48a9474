"""A gunicorn config that measures, inside each worker, what a chat turn waits for.

Use: gunicorn wsgi:app ... -c bench/gunicorn_probe.py  (PROBE_OUT=/tmp/probe names the
output prefix; each worker writes PROBE_OUT.<pid>.json when it exits). Never in production.

Per worker it records
- `gil_ms`: how late a thread that slept 5 ms wakes up and gets to run Python again
  (a sleeper needs the GIL back, as a turn does after every PostgreSQL or Redis
  round trip): the wait for the interpreter lock plus the wait for a CPU;
- `sql_ms`: each statement's wall time seen by the application (send, PostgreSQL,
  reply, and getting the GIL back);
- `checkout_ms`: the wait for a pooled PostgreSQL connection;
- `sender_lock_ms`: a turn's wait for the sender's previous turn (only turns that found it busy);
- `tx_ms`: how long each transaction stayed open (first statement to commit or rollback);
- `store_calls` / `requests`: shared-store (Redis) round trips per request.
`bench/wechat_open_loop.py --probe` serves with this file and sums them.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any

# The project's own serving settings first (worker class, switch interval), when it has them.
_conf = os.path.join(os.getcwd(), "gunicorn.conf.py")
_served: dict[str, Any] = {}
if os.path.isfile(_conf):
    with open(_conf) as _f:
        exec(compile(_f.read(), _conf, "exec"), _served)
    worker_class = _served["worker_class"]
_samples: dict[str, list[float]] = {}
_counts = {"store_calls": 0, "requests": 0}


def _add(name: str, value: float) -> None:
    _samples.setdefault(name, []).append(value)


def _gil_sleeper() -> None:
    while True:
        start = time.perf_counter()
        time.sleep(0.005)
        _add("gil_ms", (time.perf_counter() - start - 0.005) * 1000)


def _instrument() -> None:
    from sqlalchemy import event

    from core import db
    from core.config import get_settings

    engine = db.configure_database(get_settings().database_url)
    pool = engine.pool
    do_get = pool._do_get  # type: ignore[attr-defined]

    def timed_get(*a: Any, **k: Any) -> Any:
        start = time.perf_counter()
        try:
            return do_get(*a, **k)
        finally:
            _add("checkout_ms", (time.perf_counter() - start) * 1000)

    pool._do_get = timed_get  # type: ignore[attr-defined,method-assign]

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any) -> None:
        conn.info["probe_t"] = time.perf_counter()
        conn.info.setdefault("probe_tx", time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: Any, params: Any, context: Any, many: Any) -> None:
        _add("sql_ms", (time.perf_counter() - conn.info.pop("probe_t")) * 1000)

    def _end(conn: Any) -> None:
        began = conn.info.pop("probe_tx", None)
        if began is not None:
            _add("tx_ms", (time.perf_counter() - began) * 1000)

    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)

    from bot import turnstore

    wait_for_lock = turnstore.wait_for_lock

    def timed_wait(*a: Any, **k: Any) -> Any:
        start = time.perf_counter()
        try:
            return wait_for_lock(*a, **k)
        finally:
            _add("sender_lock_ms", (time.perf_counter() - start) * 1000)

    turnstore.wait_for_lock = timed_wait  # type: ignore[assignment]
    from redis import Redis

    execute = Redis.execute_command  # every command, scripts (EVALSHA) included

    def counted_execute(self: Any, *a: Any, **k: Any) -> Any:
        _counts["store_calls"] += 1
        return execute(self, *a, **k)

    Redis.execute_command = counted_execute  # type: ignore[method-assign]


def post_fork(server: Any, worker: Any) -> None:
    if "post_fork" in _served:
        _served["post_fork"](server, worker)
    _instrument()
    threading.Thread(target=_gil_sleeper, daemon=True, name="probe").start()


def post_worker_init(worker: Any) -> None:
    if "post_worker_init" in _served:  # the project's own (the held-message recovery)
        _served["post_worker_init"](worker)


def pre_request(worker: Any, req: Any) -> None:
    _counts["requests"] += 1


def worker_exit(server: Any, worker: Any) -> None:
    out = os.environ.get("PROBE_OUT", "/tmp/linli-probe")
    with open(f"{out}.{os.getpid()}.json", "w") as f:
        json.dump({"samples": _samples, "counts": _counts}, f)


def summarise(paths: list[str]) -> None:
    """Print p50 / p99 / max and the count of each measure over the workers' files."""
    samples: dict[str, list[float]] = {}
    counts = {"store_calls": 0, "requests": 0}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for name, values in data["samples"].items():
            samples.setdefault(name, []).extend(values)
        for name in counts:
            counts[name] += data["counts"][name]
    for name, values in sorted(samples.items()):
        values.sort()
        pick = [values[min(len(values) - 1, int(q * len(values)))] for q in (0.5, 0.9, 0.99)]
        print(f"{name:<12} n {len(values):>6}  mean {sum(values) / len(values):7.2f}  p50 {pick[0]:7.2f}"
              f"  p90 {pick[1]:7.2f}  p99 {pick[2]:7.2f}  max {values[-1]:7.2f} ms")
    if counts["requests"]:
        print(f"store round trips a request: {counts['store_calls'] / counts['requests']:.2f}"
              f" ({counts['requests']} requests)")


if __name__ == "__main__":
    import sys

    summarise(sys.argv[1:])

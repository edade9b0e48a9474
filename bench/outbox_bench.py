"""Outbox figures: N due reminders dispatched to the fake WeChat API by 4 dispatchers.

Run: .venv/bin/python bench/outbox_bench.py [--sizes 10000 100000] [--dispatchers 4]
Uses a fresh PostgreSQL database on 127.0.0.1 (TEST_DATABASE_URL overrides the
server), or a SQLite file with --sqlite. Each round seeds a backlog, starts the
dispatcher processes and the fake server, and prints notifications a second,
each dispatcher's peak RSS, and whether every row was sent exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from core import clock  # noqa: E402
from core.db import configure_database, session_scope  # noqa: E402
from core.migrate import upgrade_to_head  # noqa: E402
from models.messaging import Notification  # noqa: E402
from models.person import Person  # noqa: E402
from tests import services as pg  # noqa: E402

PEOPLE = 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def seed(count: int, round_no: int) -> None:
    with session_scope() as s:
        if not s.scalar(select(func.count()).select_from(Person)):
            s.execute(insert(Person), [{"oa_openid": f"bench_{i}"} for i in range(PEOPLE)])
        ids = list(s.scalars(select(Person.id)))
    now = clock.now()
    for start in range(0, count, 10_000):
        rows = [{"person_id": ids[i % len(ids)], "template": "meal_reminder",
                 "text": f"明天午餐记得来吃 #{round_no}-{i}", "payload": {"meal": "午餐"},
                 "dedupe_key": f"bench:{round_no}:{i}", "due_at": now, "status": "pending",
                 "priority": 5, "attempts": 0}
                for i in range(start, min(count, start + 10_000))]
        with session_scope() as s:
            s.execute(insert(Notification), rows)


def run_round(count: int, round_no: int, *, env: dict[str, str], fake_url: str,
              dispatchers: int) -> dict[str, object]:
    seed(count, round_no)
    before = fake_count(fake_url)
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, __file__, "--worker"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, text=True) for _ in range(dispatchers)]
    figures = [(p.communicate(timeout=3600)[0] or "0 0").strip().splitlines()[-1].split()
               for p in procs]
    elapsed = time.perf_counter() - started
    with session_scope() as s:
        sent = s.scalar(select(func.count()).where(Notification.status == "sent",
                                                   Notification.dedupe_key.like(f"bench:{round_no}:%")))
    calls = fake_count(fake_url) - before
    return {"backlog": count, "seconds": round(elapsed, 1), "per_second": round(count / elapsed),
            "sent": sent, "duplicates": calls - count,
            "rss_after_1000_mb": [round(int(f[0]) / 1024, 1) for f in figures],
            "peak_rss_mb": [round(int(f[1]) / 1024, 1) for f in figures]}


def fake_count(url: str) -> int:
    with urllib.request.urlopen(url + "/_fake/requests?path=none", timeout=10) as r:
        return int(json.load(r)["counts"].get("/cgi-bin/message/template/send", 0))


def rss_kib(field: str = "VmRSS") -> int:
    """Return this process's RSS now (VmRSS) or its peak (VmHWM), in KiB.

    Not ru_maxrss: Linux carries it over exec from the forking parent, so a
    child would report the bench's own peak (which grows with the seeding).
    """
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def worker() -> None:
    """One dispatcher process: drain the outbox; print RSS after 1,000 sends and peak RSS (KiB)."""
    from core.config import get_settings
    from core.wechat import get_wechat_client
    from scheduler.dispatcher import dispatch_due_notifications

    configure_database(get_settings().database_url)
    client = get_wechat_client()
    dispatch_due_notifications(client, batch_size=200, max_batches=5)
    early = rss_kib()
    while dispatch_due_notifications(client, batch_size=200, max_batches=20):
        pass
    print(early, rss_kib("VmHWM"), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--dispatchers", type=int, default=4)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    if args.worker:
        worker()
        return 0
    name = f"linli_bench_{uuid.uuid4().hex[:8]}"
    url = (f"sqlite:///{tempfile.mkdtemp()}/bench.db" if args.sqlite
           else pg.create_pg_database(name))
    upgrade_to_head(url)
    configure_database(url)
    port = free_port()
    fake = subprocess.Popen([sys.executable, "-m", "core.wechat.fake_server", "--port", str(port),
                             "--record-limit", "0"], cwd=ROOT, stdout=subprocess.DEVNULL)
    env = {**os.environ, "LINLI_ENV": "test", "DATABASE_URL": url, "REDIS_URL": "",
           "WECHAT_API_BASE_URL": f"http://127.0.0.1:{port}", "LOG_LEVEL": "WARNING"}
    try:
        time.sleep(1.0)
        print(f"outbox bench: {'SQLite' if args.sqlite else 'PostgreSQL'}, "
              f"{args.dispatchers} dispatchers, batch 200, fake WeChat on loopback")
        for round_no, size in enumerate(args.sizes):
            print(json.dumps(run_round(size, round_no, env=env, fake_url=f"http://127.0.0.1:{port}",
                                       dispatchers=args.dispatchers)), flush=True)
    finally:
        fake.terminate()
        fake.wait(10)
        if not args.sqlite:
            from core.db import dispose_database

            dispose_database(url)
            pg.drop_pg_database(name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""/wechat at fixed arrival rates (open loop): Linli beside peer (c), same run.

Run: .venv/bin/python bench/wechat_open_loop.py [--rates 100,200,300,400] [--duration 20]
     [--warmup 5] [--residents 400] [--workers 2] [--threads 4] [--skip-peer] [--pg-waits]
     [--root OTHER_CHECKOUT]

Needs PostgreSQL and Redis (as bench/wechat_bench.py) and the shared harness
at ../shared/bench. Creates its own database with the demo data and
`--residents` registered residents, serves Linli with gunicorn (2 workers x 4
threads by default, its stderr kept to count tracebacks) and peer (c)
(Flask + wechatpy + jieba + SQLite, 2 sync workers), then for each rate runs
`wechat_load.py URL --rate R -d D --warmup W` against peer (c) and against
Linli with the realistic mix (multi-turn bookings and cancellations, one-shot
questions, events). Prints one line per rate: p50, p99, timeouts and
`success` replies (answers sent on through the outbox) for each, and the
tracebacks Linli's workers logged during that rate. `--pg-waits` also samples
PostgreSQL's pg_stat_activity every 20 ms during each Linli run and prints
what its backends were doing (CPU, waiting on a lock, on the client, on I/O).
`--overload R` adds a rush at R msg/s (no warm-up) followed at once by 10 s at
`--recover` msg/s, and counts the `success` answers against the replies queued
in the outbox as customer-service messages.
At the end, once the turns put off have run (up to `--drain` seconds), it
proves every `success` was followed up: for each rate, the `success` answers
the sender saw, the messages the server logged as answered through the
outbox (or still held), how many of those have their customer-service reply
queued, and any missing (no reply queued) or doubled (a second reply, or a
reply queued for a message also answered passively).
Before each rate after the first it waits the same way for the previous
rate's turns put off, so no rate (nor the peer's run) shares the CPU with
an earlier rate's backlog.
`--probe` serves Linli with bench/gunicorn_probe.py and prints, at the end,
what the workers waited for (pool checkout, statements, transactions, the
interpreter lock, the sender's lock, store round trips a request);
`--switch-interval S` tries another Python switch interval in the workers.
`--root` serves Linli from another checkout (the "before" of a change).
Never part of the test run; takes about 4 minutes with the defaults.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.gunicorn_probe import summarise  # noqa: E402
from bench.wechat_bench import (  # noqa: E402
    SHARED,
    TOKEN,
    count_bookings,
    cpu_ticks,
    free_port,
    prepare_database,
    realistic_mix,
    start_linli,
    stop,
    wait_ready,
)
from core.db import dispose_database  # noqa: E402
from tests import services as test_services  # noqa: E402


def open_loop(url: str, token: str, rate: float, args: argparse.Namespace,
              mix: Path | None, *, duration: int | None = None,
              warmup: float | None = None) -> dict[str, Any]:
    """One open-loop run of the shared harness; its JSON result."""
    duration = args.duration if duration is None else duration
    warmup = args.warmup if warmup is None else warmup
    cmd = [sys.executable, str(SHARED / "wechat_load.py"), url, "--token", token,
           "--rate", f"{rate:g}", "-d", str(duration), "--warmup", f"{warmup:g}"]
    if mix is not None:
        cmd += ["--mix", str(mix)]
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([*cmd, "--json", out.name], stdout=subprocess.DEVNULL, cwd=SHARED)
        result: dict[str, Any] = json.loads(Path(out.name).read_text())
    return result


class PgWaits:
    """Sample what the bench database's backends are doing, every 20 ms, in a thread."""

    def __init__(self, db_url: str) -> None:
        self.url, self.db = db_url, db_url.rsplit("/", 1)[1]
        self.seen: Counter[str] = Counter()
        self.samples = 0
        self.blocked = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PgWaits:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._stop.wait(0.02):
                rows = conn.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
                    "WHERE datname = %s AND pid <> pg_backend_pid()", (self.db,)).fetchall()
                self.samples += 1
                for state, kind, event in rows:
                    if state == "active":
                        self.seen["active: " + (f"{kind}/{event}" if kind else "CPU")] += 1
                    elif state and state.startswith("idle in transaction"):
                        self.seen["idle in transaction (waiting for the app)"] += 1
                row = conn.execute(
                    "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                    "WHERE NOT l.granted AND d.datname = %s", (self.db,)).fetchone()
                self.blocked += row[0] if row else 0

    def report(self) -> str:
        n = max(1, self.samples)
        parts = [f"{what} {count / n:.2f}" for what, count in self.seen.most_common(6)]
        return (f"PostgreSQL backends, mean over {self.samples} samples: " + ", ".join(parts)
                + f"; ungranted locks {self.blocked / n:.2f}")


def outbox_replies() -> int:
    """Replies sent on as customer-service messages (the request had answered `success`)."""
    from sqlalchemy import func, select

    from core.db import session_scope
    from models.messaging import Notification

    with session_scope(readonly=True) as s:
        return int(s.scalar(select(func.count()).where(Notification.template == "cs_reply")) or 0)


def last_message_id() -> int:
    """The newest row of the inbound message log: where a run's messages start."""
    from sqlalchemy import func, select

    from core.db import session_scope
    from models.bot import InboundMessage

    with session_scope(readonly=True) as s:
        return int(s.scalar(select(func.max(InboundMessage.id))) or 0)


def follow_ups(first: int, last: int) -> dict[str, int]:
    """For messages logged with ids in (first, last]: answered through the outbox, replied, missing, doubled."""
    from sqlalchemy import select

    from core.db import session_scope
    from models.bot import InboundMessage
    from models.messaging import Notification

    with session_scope(readonly=True) as s:
        logged = s.execute(select(InboundMessage.dedupe_key, InboundMessage.reply_mode)
                           .where(InboundMessage.id > first, InboundMessage.id <= last)).all()
        queued = Counter(s.scalars(select(Notification.dedupe_key)
                                   .where(Notification.template == "cs_reply")))
    counts = Counter[str]()
    for key, mode in logged:
        replies = queued[f"cs_reply:{key}"[:191]]
        if mode in ("outbox", "pending"):
            counts["outbox"] += 1
            counts["held"] += mode == "pending"
            counts["replied"] += replies >= 1
            counts["missing"] += replies == 0
            counts["doubled"] += replies > 1
        else:
            counts["doubled"] += replies  # answered passively and through the outbox
    return {k: counts[k] for k in ("outbox", "held", "replied", "missing", "doubled")}


def drain(limit: float) -> float:
    """Wait until no message is held and the outbox stops growing (turns put off have run)."""
    from sqlalchemy import func, select

    from core.db import session_scope
    from models.bot import InboundMessage

    started, seen = time.monotonic(), -1
    while time.monotonic() - started < limit:
        with session_scope(readonly=True) as s:
            held = s.scalar(select(func.count()).where(InboundMessage.reply_mode == "pending")) or 0
        now = outbox_replies()
        if held == 0 and now == seen:
            break
        seen = now
        time.sleep(2)
    return time.monotonic() - started


def follow_up_table(runs: list[tuple[str, int, int, int]], waited: float) -> str:
    """Every `success` against its customer-service reply, by run."""
    lines = [f"\nEvery `success` followed up (counted {waited:.0f} s after the last run, once nothing "
             "was held; the server's counts include each rate's warm-up, the sender's do not):\n",
             "| run | `success` seen by the sender | logged as answered through the outbox "
             "| still held | customer-service reply queued | missing | doubled |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, successes, first, last in runs:
        f = follow_ups(first, last)
        lines.append(f"| {name} | {successes} | {f['outbox']} | {f['held']} | {f['replied']} "
                     f"| {f['missing']} | {f['doubled']} |")
    return "\n".join(lines)


def overload(url: str, rate: float, args: argparse.Namespace, mix: Path, log: Path,
             runs: list[tuple[str, int, int, int]]) -> str:
    """A rush at `rate` with no warm-up, then at once `--recover` msg/s: what the senders saw."""
    before, errors = outbox_replies(), tracebacks(log)
    first = last_message_id()
    rush = open_loop(url, TOKEN, rate, args, mix, warmup=0)
    middle = last_message_id()
    after = open_loop(url, TOKEN, args.recover, args, mix, duration=10, warmup=0)
    runs.append((f"rush {rate:g} msg/s", rush["bodies"]["success"], first, middle))
    runs.append((f"after, {args.recover:g} msg/s", after["bodies"]["success"], middle,
                 last_message_id()))
    time.sleep(6)  # turns still running when the recovery run ended
    sent_on = outbox_replies() - before
    successes = rush["bodies"]["success"] + after["bodies"]["success"]
    lines = [f"\nOverload: {rate:g} msg/s for {args.duration} s, then {args.recover:g} msg/s for 10 s "
             f"(no warm-up); latency from the scheduled send, as the sender sees it"]
    for name, r in (("rush", rush), ("after", after)):
        lines.append(f"  {name:<6} sent {r['sent']}  passive replies {r['bodies']['xml']}  `success` "
                     f"{r['bodies']['success']}  timeouts {r['timeouts']}  connection errors "
                     f"{r['conn_errors']}  p50 {r['p50_ms']} ms  p99 {r['p99_ms']} ms  max "
                     f"{r['max_ms']} ms  machine {r['machine_busy_pct']} % busy")
    lines.append(f"  `success` answers {successes}; customer-service replies queued in the outbox "
                 f"{sent_on}; server tracebacks {tracebacks(log) - errors}")
    return "\n".join(lines)


def cpu_ms(spent: Counter[str], sent: int, rate: float, warmup: float) -> str:
    """CPU milliseconds a message (warm-up included) of Linli's workers, PostgreSQL and Redis, during a run.

    What has run on the later pool meanwhile counts too: at a rate past
    capacity this is the cost of the messages answered, not of those sent.
    """
    messages = max(1.0, sent + rate * warmup)
    per = [1000 * spent[g] / os.sysconf("SC_CLK_TCK") / messages for g in ("server", "postgres", "redis")]
    return " / ".join(f"{v:.1f}" for v in per)


def stop_all(procs: list[subprocess.Popen[bytes]]) -> None:
    """Stop Linli (the first) and the peer's process group; forget them."""
    for proc in reversed(procs):
        if proc is procs[0]:
            stop(proc)
        else:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=20)
    procs.clear()


def tracebacks(log: Path) -> int:
    return log.read_text(errors="replace").count("Traceback (most recent call last)")


def cell(r: dict[str, Any] | None) -> str:
    if r is None:
        return "| — | — | — "
    p50, p99 = ("no reply" if r[k] is None else f"{r[k]:.1f}" for k in ("p50_ms", "p99_ms"))
    return f"| {p50} | {p99} | {r['timeouts'] + r['conn_errors']} "


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="100,200,300,400")
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--residents", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--pg-waits", action="store_true")
    parser.add_argument("--overload", type=float, help="after the rates, a rush at this rate")
    parser.add_argument("--recover", type=float, default=100, help="the rate right after the rush")
    parser.add_argument("--root", type=Path, default=ROOT, help="serve Linli from this checkout")
    parser.add_argument("--probe", action="store_true",
                        help="serve with bench/gunicorn_probe.py and print what the workers waited for")
    parser.add_argument("--switch-interval", type=float,
                        help="the workers' Python switch interval in seconds (a trial; default Python's)")
    parser.add_argument("--drain", type=float, default=600,
                        help="seconds to wait at the end for turns put off to run")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["TEST_DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    name = f"linli_open_loop_{uuid.uuid4().hex[:8]}"
    db_url = test_services.create_pg_database(name)
    procs: list[subprocess.Popen[bytes]] = []
    rows: list[tuple[float, dict[str, Any] | None, dict[str, Any], int, str]] = []
    rush = follow = ""
    runs: list[tuple[str, int, int, int]] = []
    load_before = os.getloadavg()
    try:
        prepare_database(db_url, residents=args.residents)
        with tempfile.TemporaryDirectory() as tmp:
            mix, log = Path(tmp) / "mix.jsonl", Path(tmp) / "linli.log"
            realistic_mix(mix, residents=args.residents)
            port = free_port()
            with log.open("wb") as err:
                probe_out = str(Path(tmp) / "probe")
                extra = ["-c", str(ROOT / "bench" / "gunicorn_probe.py")] if args.probe else []
                env = {"PROBE_OUT": probe_out}
                if args.switch_interval:
                    env["WEB_SWITCH_INTERVAL"] = f"{args.switch_interval:g}"
                linli = start_linli(db_url, port, args.threads, workers=args.workers, stderr=err,
                                    root=args.root.resolve(), extra=extra, env=env)
            procs.append(linli)
            linli_url = f"http://127.0.0.1:{port}/wechat"
            peer_url = None
            if not args.skip_peer:
                peer_port = free_port()
                peer = subprocess.Popen(
                    ["bash", str(SHARED / "peers" / "start_flask_jieba_sqlite.sh")],
                    env=dict(os.environ, PYTHON=sys.executable, PORT=str(peer_port)),
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                procs.append(peer)
                peer_url = f"http://127.0.0.1:{peer_port}/wechat"
                wait_ready(peer_url, peer)
            wait_ready(linli_url, linli)
            for rate in rates:
                # The previous rate's turns put off must have run: else they take the CPU from
                # this rate's runs (the peer's included).
                if runs and (waited := drain(args.drain)) > 3:
                    print(f"  (waited {waited:.0f} s for the previous rate's turns put off)", flush=True)
                theirs = open_loop(peer_url, "benchtoken", rate, args, None) if peer_url else None
                before, first = tracebacks(log), last_message_id()
                ticks = cpu_ticks(linli.pid)
                if args.pg_waits:
                    with PgWaits(db_url) as waits:
                        ours = open_loop(linli_url, TOKEN, rate, args, mix)
                    note = waits.report()
                else:
                    ours, note = open_loop(linli_url, TOKEN, rate, args, mix), ""
                ours["cpu_ms"] = cpu_ms(cpu_ticks(linli.pid) - ticks, ours["sent"], rate, args.warmup)
                rows.append((rate, theirs, ours, tracebacks(log) - before, note))
                runs.append((f"{rate:g} msg/s", ours["bodies"]["success"], first, last_message_id()))
                print(f"{rate:.0f} msg/s: Linli p50 {ours['p50_ms']} ms p99 {ours['p99_ms']} ms "
                      f"timeouts {ours['timeouts']} machine {ours['machine_busy_pct']}% busy; CPU ms a "
                      f"message (workers/PostgreSQL/Redis) {ours['cpu_ms']}", flush=True)
                if note:
                    print("  " + note, flush=True)
            rush = overload(linli_url, args.overload, args, mix, log, runs) if args.overload else ""
            # The last rate's stragglers land after its id range was taken: count them with it.
            if runs:
                name, successes, first, _ = runs[-1]
                waited = drain(args.drain)
                runs[-1] = (name, successes, first, last_message_id())
                follow = follow_up_table(runs, waited)
            stop_all(procs)  # the probe's workers write their files as they exit
            if args.probe:
                print("\nWhat the workers waited for (bench/gunicorn_probe.py, all rates):")
                summarise(sorted(glob.glob(probe_out + ".*.json")))
    finally:
        stop_all(procs)
        try:
            print(f"Linli bookings at the end: {count_bookings()}")
        finally:
            dispose_database(db_url)
            test_services.drop_pg_database(name)
    print(f"\n/wechat open loop, {args.duration:g} s after {args.warmup:g} s warm-up a rate, "
          f"{args.residents} residents, Linli {args.workers} workers x {args.threads} threads "
          f"(realistic mix), peer (c) 2 sync workers (sample mix); load average "
          f"{load_before[0]:.2f} before the run, {os.getloadavg()[0]:.2f} after; Linli served from "
          f"{args.root.resolve()}; ended {time.strftime('%Y-%m-%d %H:%M:%S %Z')}\n")
    print("| offered | peer (c) p50 ms | peer (c) p99 ms | peer (c) timeouts "
          "| Linli p50 ms | Linli p99 ms | Linli timeouts | Linli `success` replies "
          "| server tracebacks | machine busy | Linli CPU ms a message (workers / PostgreSQL / Redis) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for rate, theirs, ours, errors, _ in rows:
        print(f"| {rate:.0f} msg/s {cell(theirs)}{cell(ours)}| {ours['bodies']['success']} "
              f"| {errors} | {ours['machine_busy_pct']} % | {ours['cpu_ms']} |")
    print(rush)
    print(follow)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

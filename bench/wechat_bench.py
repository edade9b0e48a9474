"""/wechat under load: Linli beside the shared peer bots, same harness, same run.

Run: .venv/bin/python bench/wechat_bench.py [--duration 10] [--connections 64] [--threads 4]
     [--skip-peers]
Needs `wrk` (apt-get install -y wrk), PostgreSQL and Redis. It finds the shared
harness at ../shared/bench relative to the repository, creates its own
PostgreSQL database (BENCH_DATABASE_URL names the server, default
postgresql://postgres@127.0.0.1:5432/postgres), migrates it, loads the demo
data plus 40 registered bench residents, and serves Linli with gunicorn
(2 workers x 4 threads by default, Redis shared store). Linli runs three
mixes: a realistic one (multi-turn bookings and cancellations with read-back
and "1", policy questions, menus, nearby canteens, events), the shared sample
mix, and messages that need no database (the pipeline's own cost); then
peers (b) Flask+wechatpy and (c) Flask+wechatpy+jieba+SQLite (and (a)
WeRoBot when importable) run with the sample mix. Prints requests/s, p50 and
p99 for each, and for Linli the CPU milliseconds a request spent in its
workers, PostgreSQL and Redis. Never part of the test run.
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
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared" / "bench").resolve()
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from core.db import configure_database, dispose_database, session_scope  # noqa: E402
from core.migrate import upgrade_to_head  # noqa: E402
from tests import services as test_services  # noqa: E402

TOKEN = "linli-bench-token"
RESIDENTS = 40
NO_DATABASE = ["谢谢", "你好", "今天天气怎么样", "菜单"]  # answered without SQL: the pipeline's own cost
ONE_SHOTS = ["你好", "低保怎么申请", "附近有助餐点吗", "明天午饭有什么菜", "我的积分还有多少",
             "菜单", "今天天气怎么样", "谢谢", "助餐补贴标准是多少", "我上次求助的事怎么样了"]
PEERS = [("(a) werobot_echo", "start_werobot_echo.sh", "werobot"),
         ("(b) flask_echo", "start_flask_echo.sh", "wechatpy"),
         ("(c) flask_jieba_sqlite", "start_flask_jieba_sqlite.sh", "jieba")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def resident(n: int) -> str:
    return f"oBenchResident{n:014d}"


def prepare_database(url: str, *, residents: int = RESIDENTS) -> None:
    """Migrate, load demo data, register the bench residents in 阳光社区, room for all their bookings."""
    from sqlalchemy import select

    from models.meals import CanteenMeal
    from services.demo import load_demo_data
    from services.people.persons import get_or_create_person_by_oa_openid
    from services.people.residents import list_communities, register_resident

    upgrade_to_head(url)
    configure_database(url)
    with session_scope() as s:
        load_demo_data(s)
        community = list_communities(s)[0]
        for n in range(residents):
            person = get_or_create_person_by_oa_openid(s, openid=resident(n))
            register_resident(s, person=person, name=f"测试居民{n}", phone=f"1370000{n:04d}",
                              community_id=community.id, address=f"阳光社区{n}号楼101",
                              birth_date=date(1945, 1, 1) + timedelta(days=97 * (n % 100)))
            person.set_home_location(30.2745, 120.1556)
        # Room for every resident's booking (the demo canteens cook 40–80 a meal): the mix's
        # bookings commit instead of selling out after the 80th resident.
        for meal in s.scalars(select(CanteenMeal)):
            meal.capacity = max(meal.capacity, 10 * residents)


def realistic_mix(path: Path, *, residents: int = RESIDENTS) -> None:
    """Half multi-turn bookings (book, yes, cancel, yes), half one-shot questions and events.

    A resident's next turn comes a whole round later (more than 64 messages
    on), as a person reads a reply before answering it; with 64 connections
    in flight, turns written side by side would arrive at the same moment and
    queue on the resident's dialogue lock, which no person does.
    """
    turns = ["订后天午饭一份送到家", "1", "取消后天的午饭", "1"]
    lines: list[dict[str, str]] = []
    for i, text in enumerate(turns):
        for n in range(residents):
            lines.append({"from": resident(n), "content": text})
            lines.append({"content": ONE_SHOTS[(n * 4 + i) % len(ONE_SHOTS)]})
            if n % 20 == 0:
                lines.append({"type": "event", "event": "CLICK", "key": "MENU_HELP"})
                lines.append({"type": "event", "event": "subscribe"})
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")


def no_database_mix(path: Path) -> None:
    """Messages answered from the store and the NLU alone: what the pipeline costs without SQL."""
    path.write_text("\n".join(json.dumps({"content": t}, ensure_ascii=False) for t in NO_DATABASE),
                    encoding="utf-8")


def cpu_ticks(server_pid: int | None) -> Counter[str]:
    """CPU ticks so far of the server's workers, PostgreSQL and Redis (Linux /proc)."""
    ticks: Counter[str] = Counter()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, fields = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        group = ("server" if int(fields[1]) == server_pid else "postgres" if name.startswith("postgres")
                 else "redis" if name.startswith("redis") else None)
        if group:
            ticks[group] += int(fields[11]) + int(fields[12])
    return ticks


def count_bookings() -> dict[str, int]:
    """Count bookings by status (the realistic mix books and cancels)."""
    from sqlalchemy import func, select

    from models.meals import MealBooking

    with session_scope() as s:
        rows = s.execute(select(MealBooking.status, func.count()).group_by(MealBooking.status))
        return {status: n for status, n in rows}


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def start_linli(db_url: str, port: int, threads: int, *, workers: int = 2,
                stderr: Any = None, root: Path = ROOT, extra: list[str] | None = None,
                env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Serve Linli from `root` with gunicorn (its gunicorn.conf.py; `extra` arguments after)."""
    served = dict(os.environ, LINLI_ENV="test", DATABASE_URL=db_url, WECHAT_TOKEN=TOKEN,
                  REDIS_URL=test_services.redis_url(), LOG_LEVEL="WARNING",
                  KV_PREFIX=f"linli-bench-{uuid.uuid4().hex[:6]}:", **(env or {}))
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--threads", str(threads), "--timeout", "30", *(extra or [])],
        cwd=root, env=served, stdout=subprocess.DEVNULL, stderr=stderr)


def load(url: str, token: str, args: argparse.Namespace, mix: Path | None,
         server_pid: int | None = None) -> dict[str, Any]:
    """Run the shared harness: --check, a 3 s warm-up, then the measured run.

    With `server_pid`, also the CPU milliseconds a request spent in the
    server's workers, PostgreSQL and Redis during the measured run.
    """
    harness = [sys.executable, str(SHARED / "wechat_load.py"), url, "--token", token]
    if mix is not None:
        harness += ["--mix", str(mix)]
    subprocess.run([*harness, "--check"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*harness, "-d", "3", "-c", "8"], stdout=subprocess.DEVNULL)
    before = cpu_ticks(server_pid) if server_pid else Counter[str]()
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run([*harness, "-d", str(args.duration), "-c", str(args.connections),
                        "--json", out.name], stdout=subprocess.DEVNULL)
        result: dict[str, Any] = json.loads(Path(out.name).read_text())
    if server_pid:
        spent = cpu_ticks(server_pid) - before
        served = max(1.0, result["rps"] * args.duration)
        result["cpu_ms"] = {g: 1000 * spent[g] / os.sysconf("SC_CLK_TCK") / served
                            for g in ("server", "postgres", "redis")}
    return result


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def run_peer(script: str, args: argparse.Namespace) -> dict[str, Any]:
    port = free_port()
    env = dict(os.environ, PYTHON=sys.executable, PORT=str(port))
    proc = subprocess.Popen(["bash", str(SHARED / "peers" / script)], env=env,
                            stdout=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/wechat"
    try:
        wait_ready(url, proc)
        return load(url, "benchtoken", args, None)
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)


def show(name: str, r: dict[str, Any]) -> None:
    bodies = r.get("bodies", {})
    print(f"{name:<34} {r['rps']:>8.0f} req/s   p50 {r['p50_ms']:>7.1f} ms   "
          f"p99 {r['p99_ms']:>7.1f} ms   non-2xx {r['non2xx']}   bodies {bodies}", flush=True)
    if "cpu_ms" in r:
        cpu = r["cpu_ms"]
        print(f"{'':<34} CPU a request: workers {cpu['server']:.2f} ms, PostgreSQL "
              f"{cpu['postgres']:.2f} ms, Redis {cpu['redis']:.2f} ms", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per Linli worker")
    parser.add_argument("--skip-peers", action="store_true")
    args = parser.parse_args()
    if not (SHARED / "wechat_load.py").is_file():
        sys.exit(f"shared harness not found at {SHARED}")
    server = os.environ.get("BENCH_DATABASE_URL")
    if server:
        os.environ["TEST_DATABASE_URL"] = server
    name = f"linli_wechat_bench_{uuid.uuid4().hex[:8]}"
    db_url = test_services.create_pg_database(name)
    results: dict[str, dict[str, Any]] = {}
    try:
        prepare_database(db_url)
        with tempfile.TemporaryDirectory() as tmp:
            mix, bare = Path(tmp) / "linli_mix.jsonl", Path(tmp) / "no_database.jsonl"
            realistic_mix(mix)
            no_database_mix(bare)
            port = free_port()
            proc = start_linli(db_url, port, args.threads)
            url = f"http://127.0.0.1:{port}/wechat"
            try:
                wait_ready(url, proc)
                results["Linli (realistic mix)"] = load(url, TOKEN, args, mix, proc.pid)
                results["Linli (sample mix)"] = load(url, TOKEN, args, None, proc.pid)
                results["Linli (no-database mix)"] = load(url, TOKEN, args, bare, proc.pid)
            finally:
                stop(proc)
        print(f"Linli bookings during the run: {count_bookings()}", flush=True)
        for label, script, module in [] if args.skip_peers else PEERS:
            try:
                __import__(module)
            except ImportError:
                print(f"{label}: skipped ({module} is not installed)")
                continue
            results[label] = run_peer(script, args)
    finally:
        dispose_database(db_url)
        test_services.drop_pg_database(name)
    print(f"\n/wechat, {args.connections} connections, {args.duration} s, 2 workers each"
          f" (Linli {args.threads} threads a worker):")
    for label, r in results.items():
        show(label, r)
    peer = results.get("(c) flask_jieba_sqlite")
    if peer:
        for label in ("Linli (realistic mix)", "Linli (sample mix)", "Linli (no-database mix)"):
            r = results[label]
            print(f"{label} / (c): throughput {r['rps'] / peer['rps']:.2f} (target >= 0.5), "
                  f"p99 {r['p99_ms']:.0f} ms (target < 200)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

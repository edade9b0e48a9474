"""NLU speed: warm parses per second on one core, and a fresh process's first parse.

Run: .venv/bin/python bench/nlu_speed.py [--seconds 3] [--fresh 5]
Prints figures only; targets (issue 17) are >= 3,000 parses/s warm on one core and
< 1.0 s to the first parse, and it says what the learned model costs in memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEV = Path("/work/shared/nlu/dev.jsonl")
FALLBACK = ["俺明儿个晌午要两份饭 送上来", "明天的饭不要了", "低保怎么申请", "我老伴摔倒了", "签到"]
# Each fresh process imports nlp and parses one message. The policy question
# needs jieba (topic retrieval), so it is the worst case for start-up.
FRESH_SCRIPT = (
    "import datetime as dt, sys, zoneinfo\n"
    "import nlp\n"
    "if sys.argv[2] == 'warm': nlp.warm_up()\n"
    "nlp.parse(sys.argv[1], dt.datetime(2026, 11, 29, 9, tzinfo=zoneinfo.ZoneInfo('Asia/Shanghai')))\n"
)
FRESH_CASES = (
    ("booking, lazy tokenizer", "帮我订明天中午的饭", "lazy"),
    ("policy question (jieba)", "低保怎么申请", "lazy"),
    ("warm_up() then parse", "帮我订明天中午的饭", "warm"),
)


def sentences() -> list[str]:
    if not DEV.exists():
        return FALLBACK
    return [json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines() if line]


def warm_rate(seconds: float) -> tuple[float, float, float]:
    """Return parses per wall second, per CPU second, and the p99 latency in seconds."""
    import nlp

    nlp.warm_up()
    now = dt.datetime(2026, 11, 29, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
    texts = sentences()
    for text in texts:
        nlp.parse(text, now)
    count, latencies = 0, []
    wall, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < seconds:
        for text in texts:
            t0 = time.perf_counter()
            nlp.parse(text, now)
            latencies.append(time.perf_counter() - t0)
        count += len(texts)
    wall_rate = count / (time.perf_counter() - wall)
    cpu_rate = count / (time.process_time() - cpu)
    return wall_rate, cpu_rate, statistics.quantiles(latencies, n=100)[98]


def fresh_first_parse(text: str, mode: str, runs: int) -> tuple[list[float], list[float]]:
    """Return wall seconds and CPU seconds (user + sys) of each fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", FRESH_SCRIPT, text, mode], check=True, env=env, cwd=ROOT)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


MODEL_MEMORY_SCRIPT = (
    "import resource, time\n"
    "import nlp.parser\n"
    "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "t = time.process_time()\n"
    "from nlp.model import get_model\n"
    "model = get_model()\n"
    "spent = time.process_time() - t\n"
    "grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
    "print(f'{grown / 1024:.1f} {spent:.3f} {len(model.weights)}')\n"
)


def model_memory() -> tuple[float, float, int]:
    """Return the MB of resident memory and CPU seconds the model costs to load, and its n-grams."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", MODEL_MEMORY_SCRIPT], check=True, env=env, cwd=ROOT,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--fresh", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    print("fresh process to first parse (interpreter start included, jieba cache built):")
    for label, text, mode in FRESH_CASES:
        walls, cpus = fresh_first_parse(text, mode, args.fresh)
        print(f"  {label:<28} wall median {statistics.median(walls):.3f} s (max {max(walls):.3f}), "
              f"CPU median {statistics.median(cpus):.3f} s over {len(walls)} runs")
    megabytes, load_cpu, ngrams = model_memory()
    print(f"learned model                 {megabytes:.0f} MB resident, {load_cpu:.2f} s CPU to load, "
          f"{ngrams:,} n-grams")
    wall_rate, cpu_rate, p99 = warm_rate(args.seconds)
    print(f"load average                  {os.getloadavg()[0]:.2f} (wall figures suffer if > cores)")
    print(f"warm parses/s, wall clock     {wall_rate:,.0f} (one core, dev-set sentences)")
    print(f"warm parses per CPU second    {cpu_rate:,.0f}")
    print(f"warm p99 latency              {p99 * 1e6:,.0f} µs")

if __name__ == "__main__":
    main()

"""Each gunicorn worker's CPU, second by second, while a bench runs beside it.

Run: .venv/bin/python bench/worker_cpu.py OUT.txt &   (then the open-loop run; kill it after)

Every second it writes one line: for each process serving `wsgi:app`, its
pid, user and system CPU ticks in that second (100 a second is one core),
voluntary and involuntary context switches of all its threads, and its
thread count. Two workers at 85 and 15 ticks show a load split unevenly
(docs/performance.md, "2026-12-04, night"). Linux /proc only; never in production.
"""

from __future__ import annotations

import os
import sys
import time


def _sample(pid: str) -> tuple[int, int, int, int, int]:
    stat = open(f"/proc/{pid}/stat").read()
    fields = stat[stat.rindex(")") + 2:].split()
    voluntary = involuntary = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        for line in open(f"/proc/{pid}/task/{task}/status"):
            if line.startswith("voluntary_ctxt_switches"):
                voluntary += int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches"):
                involuntary += int(line.split()[1])
    return int(fields[11]), int(fields[12]), voluntary, involuntary, len(os.listdir(f"/proc/{pid}/task"))


def main() -> int:
    out = open(sys.argv[1], "w")
    previous: dict[str, tuple[int, int, int, int, int]] = {}
    while True:
        rows = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if "wsgi:app" not in open(f"/proc/{pid}/cmdline").read():
                    continue
                now = _sample(pid)
            except (OSError, IndexError, ValueError):
                continue  # the process ended meanwhile
            before, previous[pid] = previous.get(pid), now
            if before:
                # Switches are summed over the threads alive now: one that ended takes its own.
                rows.append(f"{pid} user {now[0] - before[0]} sys {now[1] - before[1]} switches "
                            f"{max(0, now[2] - before[2])}+{max(0, now[3] - before[3])} "
                            f"threads {now[4]}")
        if rows:
            out.write(f"{time.strftime('%H:%M:%S')} " + " | ".join(sorted(rows)) + "\n")
            out.flush()
        time.sleep(1)


if __name__ == "__main__":
    raise SystemExit(main())

"""`make run`: start the web server and its companions, stop them together.

In demo mode this also starts the local fake WeChat API. The scheduler runs
as its own process beside the web server (never inside a web worker).
With the in-process store the web server runs one process with threads, so
dialogue state and locks are shared; with Redis it may run several workers.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

from core.config import get_settings

# Path without the query string: WeChat puts openids and signatures there.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'

# (name, argv after the interpreter, only in demo mode)
COMPANIONS: list[tuple[str, list[str], bool]] = [
    ("fake-wechat", ["-m", "core.wechat.fake_server", "--port", "8900"], True),
    ("scheduler", ["-m", "scheduler"], False),
]


def web_command(host: str, port: int) -> list[str]:
    """Return the gunicorn command line for the current settings."""
    workers = "2" if get_settings().redis_url else "1"
    return [
        sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"{host}:{port}",
        "--workers", workers, "--threads", "4", "--timeout", "30", "--access-logfile", "-",
        "--access-logformat", ACCESS_LOG_FORMAT,
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run Linli with its companions.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    demo = not get_settings().is_production
    procs: list[tuple[str, subprocess.Popen[bytes]]] = []
    for name, command, demo_only in COMPANIONS:
        if demo or not demo_only:
            procs.append((name, subprocess.Popen([sys.executable, *command])))  # noqa: S603
    procs.append(("web", subprocess.Popen(web_command(args.host, args.port))))  # noqa: S603
    print(f"邻里帮 Linli 已启动: http://{args.host}:{args.port}/healthz", flush=True)

    def stop(*_: object) -> None:
        for _name, proc in procs:
            if proc.poll() is None:
                proc.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while all(proc.poll() is None for _name, proc in procs):
            time.sleep(0.5)
    finally:
        stop()
        for _name, proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    failed = [name for name, proc in procs if proc.returncode not in (0, -15, None)]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

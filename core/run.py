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
import urllib.error
import urllib.request

from core.config import get_settings

# Path without the query string: WeChat puts openids and signatures there.
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'

# (name, argv after the interpreter, only in demo mode)
COMPANIONS: list[tuple[str, list[str], bool]] = [
    ("fake-wechat", ["-m", "core.wechat.fake_server", "--port", "8900"], True),
    ("scheduler", ["-m", "scheduler"], False),
]


READY_WAIT_SECONDS = 90.0
# Kept in step with services/demo/console.py and services/demo/foundation.py (a test checks).
DEMO_LOGINS = (
    ("liu", "linli-liu-2026", "刘社工，阳光社区"),
    ("chen", "linli-chen-2026", "陈社工，和睦社区"),
    ("zhao", "linli-zhao-2026", "赵站长，全县"),
    ("zhou", "linli-zhou-2026", "周慈善，慈善总会：转介来的求助"),
)


def banner(base: str, *, demo: bool) -> str:
    """Say where everything is, once the server answers; in demo mode, how to sign in."""
    lines = [f"邻里帮 Linli 已启动：{base}/healthz",
             f"  工作台（社工）：{base}/console/",
             f"  小程序接口：{base}/api/v1/openapi.json",
             f"  公众号接口：{base}/wechat"]
    if demo:
        lines.append("  工作台演示账号：" + "；".join(f"{u} / {p}（{who}）" for u, p, who in DEMO_LOGINS))
        lines.append(f"  以演示老人登录接口：curl -X POST {base}/api/v1/auth/login "
                     "-H 'Content-Type: application/json' -d '{\"code\": \"demo_elder_wang\"}'")
        lines.append("  终端聊天：make chat（或 make chat AS=demo_family_wang）")
    return "\n".join(lines)


def wait_until_listening(url: str, web: subprocess.Popen[bytes], timeout: float) -> bool:
    """Poll the health check until it answers; False if the server died or never answered."""
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
    while time.monotonic() < deadline and web.poll() is None:
        try:
            with opener.open(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:  # refused while gunicorn starts; a 503 (degraded) still means listening
            time.sleep(0.2)
    return False


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
    web = subprocess.Popen(web_command(args.host, args.port))  # noqa: S603
    procs.append(("web", web))
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host  # noqa: S104
    base = f"http://{shown}:{args.port}"
    if wait_until_listening(f"{base}/healthz", web, READY_WAIT_SECONDS):
        print(banner(base, demo=demo), flush=True)
    else:
        print(f"网页服务没有在{READY_WAIT_SECONDS:.0f}秒内启动，请看上面的日志。", flush=True)

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

"""`python -m scheduler`: run the jobs while holding the lease; `... dispatch`: one more dispatcher."""

from __future__ import annotations

import argparse
import logging
import signal
import threading

from core.config import get_settings
from core.db import configure_database
from core.kv import get_kv
from core.logs import configure_logging
from scheduler.lease import Lease

logger = logging.getLogger("scheduler")


def run_scheduler(stop: threading.Event, *, lease_ttl: float) -> None:
    """Wait for the lease, run the jobs while it is ours, stop when told."""
    from scheduler.jobs import build_scheduler

    lease = Lease(get_kv(), ttl=lease_ttl)
    waiting_logged = False
    while not stop.is_set():
        if not lease.acquire():
            if not waiting_logged:
                logger.info("另一个调度进程正在运行，本进程等待接替")
                waiting_logged = True
            stop.wait(lease_ttl / 3)
            continue
        logger.info("调度进程已取得运行权 (%s)", lease.holder)
        waiting_logged = False
        scheduler = build_scheduler()
        scheduler.start()
        try:
            while not stop.wait(lease_ttl / 3):
                if not lease.renew():
                    logger.error("调度运行权已失去，停止任务并重新等待")
                    break
        finally:
            scheduler.shutdown(wait=True)
            lease.release()


def run_dispatcher(stop: threading.Event, *, batch_size: int, idle: float, until_empty: bool) -> None:
    """Dispatch the outbox until stopped (or until nothing is due, with --until-empty)."""
    from scheduler.dispatcher import dispatch_due_notifications

    while not stop.is_set():
        handled = dispatch_due_notifications(batch_size=batch_size, max_batches=20)
        if not handled:
            if until_empty:
                return
            stop.wait(idle)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="邻里帮定时任务与消息发送")
    parser.add_argument("mode", nargs="?", choices=["run", "dispatch"], default="run")
    parser.add_argument("--lease-ttl", type=float, default=30.0)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--idle", type=float, default=1.0)
    parser.add_argument("--until-empty", action="store_true")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings.log_level)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    configure_database(settings.database_url)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if args.mode == "dispatch":
        run_dispatcher(stop, batch_size=args.batch_size, idle=args.idle,
                       until_empty=args.until_empty)
    else:
        run_scheduler(stop, lease_ttl=args.lease_ttl)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

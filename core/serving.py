"""When a request reached the server, so a reply budget counts the time it queued.

gunicorn's threaded worker accepts connections on its main thread and queues
each request for a handler thread; under a rush that queue, not the
application, holds a message for seconds. `StampedThreadWorker` (named in
gunicorn.conf.py) notes the moment a request's socket became readable, and
`arrived_at()` gives it to the handler thread serving that request. Outside
gunicorn (tests, `make run`) there is no stamp and budgets count from the
moment the application sees the request.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

_local = threading.local()


def arrived_at() -> float | None:
    """`time.monotonic()` when this thread's request reached the server, or None."""
    return getattr(_local, "at", None)


def waited() -> float:
    """Seconds this thread's request spent queued before the application saw it (0 without a stamp)."""
    at = arrived_at()
    return 0.0 if at is None else max(0.0, time.monotonic() - at)


class StampedThreadWorker(ThreadWorker):
    """gunicorn's gthread worker, stamping each request with when it arrived."""

    def enqueue_req(self, conn: Any) -> None:
        conn.linli_arrived_at = time.monotonic()
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        _local.at = getattr(conn, "linli_arrived_at", None)
        try:
            return super().handle(conn)
        finally:
            _local.at = None

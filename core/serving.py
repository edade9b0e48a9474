"""When a request reached the server, so a reply budget counts the time it queued.

gunicorn's threaded worker accepts connections on its main thread and queues
each request for a handler thread; under a rush that queue, not the
application, holds a message for seconds. `StampedThreadWorker` (named in
gunicorn.conf.py) notes the moment a request's socket became readable, and
`arrived_at()` gives it to the handler thread serving that request. Outside
gunicorn (tests, `make run`) there is no stamp and budgets count from the
moment the application sees the request.

The worker also counts the requests it accepted that no handler thread has
taken yet: work nobody waits for (a /wechat turn whose sender was already
told `success`) calls `yield_to_requests()` first, so in a rush the threads
that must answer within WeChat's 5 seconds get the interpreter before it.

`settle_worker()` runs once in each worker before it takes a request: it
loads what the first messages would otherwise load (the tokenizer, the
models) and then takes everything loaded so far out of the garbage
collector's sight. Without that, each full collection walked the ~200,000
objects of the dictionary and the app and stopped every thread of the
worker for 120–210 ms, every 10–45 s under load (docs/performance.md).
"""

from __future__ import annotations

import gc
import threading
import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

_local = threading.local()
_queued_lock = threading.Lock()
_queued = [0]  # requests accepted by this worker, not yet taken by a handler thread


def arrived_at() -> float | None:
    """`time.monotonic()` when this thread's request reached the server, or None."""
    return getattr(_local, "at", None)


def waited() -> float:
    """Seconds this thread's request spent queued before the application saw it (0 without a stamp)."""
    at = arrived_at()
    return 0.0 if at is None else max(0.0, time.monotonic() - at)


def request_queued() -> None:
    """A request waits for a handler thread (the worker calls this)."""
    with _queued_lock:
        _queued[0] += 1


def request_taken() -> None:
    """A handler thread took a queued request (the worker calls this)."""
    with _queued_lock:
        _queued[0] = max(0, _queued[0] - 1)


def requests_waiting() -> int:
    """How many requests this worker accepted that no handler thread has taken yet."""
    return _queued[0]


def settle_worker() -> None:
    """Load the language models now, then freeze the heap loaded so far (gc.freeze)."""
    from sqlalchemy.orm import configure_mappers

    import nlp

    nlp.warm_up()
    configure_mappers()
    gc.collect()
    gc.freeze()  # what a worker loads at boot lives as long as the worker: never scan it again


def yield_to_requests(*, at_most: float, poll: float = 0.01) -> None:
    """Wait while requests queue for a handler thread, at most `at_most` seconds.

    Python runs one thread of a process at a time: a thread that answers a
    request needs the interpreter back after every database or store round
    trip, and a busy background thread makes it wait up to the switch
    interval each time. Background work that starts only when no request is
    queued leaves the interpreter to the requests in a rush.
    """
    deadline = time.monotonic() + at_most
    while requests_waiting() > 0 and time.monotonic() < deadline:
        time.sleep(poll)


class StampedThreadWorker(ThreadWorker):
    """gunicorn's gthread worker, stamping each request with when it arrived and counting the queue."""

    def enqueue_req(self, conn: Any) -> None:
        conn.linli_arrived_at = time.monotonic()
        request_queued()
        super().enqueue_req(conn)

    def handle(self, conn: Any) -> Any:
        request_taken()
        _local.at = getattr(conn, "linli_arrived_at", None)
        try:
            return super().handle(conn)
        finally:
            _local.at = None

"""Serving settings for `gunicorn wsgi:app` (gunicorn reads this file from the working directory).

Command-line flags win over these (`--workers`, `--threads`). See docs/performance.md
for the measurements behind each value.
"""

import os

# gthread, plus the moment each request arrived (core/serving.py): a /wechat
# reply budget counts the time a message queued before a thread took it.
worker_class = "core.serving.StampedThreadWorker"
threads = int(os.environ.get("WEB_THREADS", "4"))


def post_worker_init(worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    """Each worker loads its models before its first request (core/serving.py: settle_worker) and
    runs, every minute, the held /wechat turns a stopped worker left (bot/pipeline.py)."""
    from bot.pipeline import start_recovery
    from core.serving import settle_worker

    if os.environ.get("WEB_SWITCH_INTERVAL"):  # seconds; a trial of another GIL switch interval
        import sys

        sys.setswitchinterval(float(os.environ["WEB_SWITCH_INTERVAL"]))
    settle_worker()
    start_recovery()

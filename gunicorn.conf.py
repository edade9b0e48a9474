"""Serving settings for `gunicorn wsgi:app` (gunicorn reads this file from the working directory).

Command-line flags win over these (`--workers`, `--threads`). See docs/performance.md
for the measurements behind each value.
"""

import os
import sys

# gthread, plus the moment each request arrived (core/serving.py): a /wechat
# reply budget counts the time a message queued before a thread took it.
worker_class = "core.serving.StampedThreadWorker"
threads = int(os.environ.get("WEB_THREADS", "4"))
# Python hands the interpreter lock to a waiting thread after this many seconds
# (default 0.005). A chat turn gets the lock back after each PostgreSQL or Redis
# round trip only when the running thread lets go of it.
_switch_interval = float(os.environ.get("WEB_SWITCH_INTERVAL", "0.005"))


def post_fork(server, worker):  # noqa: ANN001, ANN201 - gunicorn's hook signature
    sys.setswitchinterval(_switch_interval)

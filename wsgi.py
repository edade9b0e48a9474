"""WSGI entry point: `gunicorn wsgi:app`."""

import sys

from app import create_app
from core.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # a missing or malformed setting: say which, without a traceback
    print(f"邻里帮 Linli 无法启动：{exc}", file=sys.stderr, flush=True)
    raise SystemExit(3) from None  # 3 = gunicorn's "worker failed to boot": stop, do not respawn

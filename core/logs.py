"""Logging set-up: one format, request ids, no sensitive values (see STYLE.md)."""

from __future__ import annotations

import logging

_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestIdFilter(logging.Filter):
    """Stamp each record with the current request id, or '-'."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = "-"
        try:
            from flask import g, has_request_context

            if has_request_context():
                request_id = g.get("request_id", "-")
        except ImportError:  # pragma: no cover
            pass
        record.request_id = request_id
        return True


def configure_logging(level: str = "INFO") -> None:
    """Install the house format on the root logger once."""
    root = logging.getLogger()
    if any(getattr(h, "_linli", False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler._linli = True  # type: ignore[attr-defined]
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # plugin set-up lines on every run
    # urllib3 logs full request URLs at DEBUG, and WeChat puts secrets and codes there.
    logging.getLogger("urllib3").setLevel(logging.WARNING)

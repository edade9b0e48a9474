"""Optional service hooks being built beside the bot: used when present, skipped when not."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from functools import cache
from typing import Any

logger = logging.getLogger(__name__)


@cache
def optional_service(module: str, name: str) -> Callable[..., Any] | None:
    """Return `module.name` when that service exists, else None (logged once)."""
    try:
        return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError):
        logger.warning("service %s.%s not available; skipping", module, name)
        return None

"""Rate limits through the shared store: per IP, per person, stricter on marked views.

Fixed windows counted with `kv.incr(key, ttl)`. The numbers are data
(DEFAULT_LIMITS), overridden per app with `app.config["RATE_LIMITS"]`
(a name mapped to a Limit, or to None to switch that bucket off). With
the store down the API stays up: limits fail open and log a warning.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, request

from core import clock
from core.errors import RateLimited
from core.kv import get_kv

logger = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Limit:
    """At most `requests` in each window of `seconds`."""

    requests: int
    seconds: int


DEFAULT_LIMITS: dict[str, Limit | None] = {
    "ip": Limit(1200, 60),  # every /api/v1 request, per client address
    "person": Limit(600, 60),  # every authenticated request, per person
    "login": Limit(30, 60),  # POST /auth/login, per client address
    "phone_lookup": Limit(30, 3600),  # finding people by phone (proxy invites), per address
}


def rate_limited(bucket: str) -> Callable[[F], F]:
    """Count a view in an extra, stricter bucket (per client address)."""

    def mark(view: F) -> F:
        view.__rate_limit__ = bucket  # type: ignore[attr-defined]
        return view

    return mark


def _limit(bucket: str) -> Limit | None:
    overrides: dict[str, Limit | None] = current_app.config.get("RATE_LIMITS", {})
    return overrides.get(bucket, DEFAULT_LIMITS.get(bucket))


def hit(bucket: str, ident: str) -> None:
    """Count one request for `ident` in `bucket`; raise RateLimited over the limit."""
    limit = _limit(bucket)
    if limit is None:
        return
    now = int(clock.now().timestamp())
    window = now // limit.seconds
    key = f"ratelimit:{bucket}:{ident}:{window}"
    try:
        count = get_kv().incr(key, ttl=limit.seconds)
    except Exception:  # the store being down must not take the API down
        logger.warning("rate limit store unavailable; letting %s through", bucket)
        return
    if count > limit.requests:
        retry_after = max(1, (window + 1) * limit.seconds - now)
        raise RateLimited(retry_after=retry_after)


def client_address() -> str:
    """Return the caller's address (put ProxyFix in front when behind nginx)."""
    return request.remote_addr or "unknown"


def limit_request() -> None:
    """Apply the per-address limit and the view's own bucket (before_request)."""
    address = hashlib.sha256(client_address().encode()).hexdigest()[:16]
    hit("ip", address)
    view = current_app.view_functions.get(request.endpoint or "")
    bucket = getattr(view, "__rate_limit__", None)
    if bucket is not None:
        hit(bucket, address)


def limit_person(person_id: int) -> None:
    """Apply the per-person limit once a request is authenticated."""
    hit("person", str(person_id))

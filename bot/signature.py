"""WeChat request signatures: sha1 over the sorted parts, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

MAX_SKEW_SECONDS = 300


def sign(*parts: str) -> str:
    """Return WeChat's signature: sha1 of the parts sorted and joined."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()  # noqa: S324


def signature_matches(signature: str, *parts: str) -> bool:
    """Tell whether `signature` signs `parts` (constant-time compare)."""
    return hmac.compare_digest(sign(*parts).encode("ascii"), signature.encode("utf-8", "replace"))


def timestamp_is_fresh(timestamp: str, now: datetime, *, window: int = MAX_SKEW_SECONDS) -> bool:
    """Tell whether a request timestamp is within `window` seconds of now."""
    if not timestamp.isdigit() or len(timestamp) > 12:
        return False
    return abs(int(timestamp) - now.timestamp()) <= window

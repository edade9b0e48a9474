"""Dedupe WeChat's retries in the shared store: claim, wait for, and remember replies.

The store makes repeats fast; the unique key on `inbound_messages` is the
final guard (see bot.pipeline).
"""

from __future__ import annotations

import time

from core.kv import KV

REPLY_TTL = 120.0  # WeChat retries within ~15 s; keep replies well past that
CLAIM_TTL = 30.0
_POLL = 0.02


def reply_key(key: str) -> str:
    return f"wx:reply:{key}"


def claim_key(key: str) -> str:
    return f"wx:claim:{key}"


def cached_reply(kv: KV, key: str) -> str | None:
    """Return the reply already given to this message, if any."""
    return kv.get(reply_key(key))


def claim(kv: KV, key: str) -> bool:
    """Take the right to compute this message's reply; False when a copy already has it."""
    return kv.set_if_absent(claim_key(key), "1", CLAIM_TTL)


def release(kv: KV, key: str) -> None:
    """Give the claim back (after a failure, so a retry may try again)."""
    kv.delete(claim_key(key))


def remember_reply(kv: KV, key: str, reply: str) -> None:
    """Store the reply so later copies get the same answer."""
    kv.set(reply_key(key), reply, REPLY_TTL)


def wait_for_reply(kv: KV, key: str, *, wait: float) -> str | None:
    """Poll for the first copy's reply for up to `wait` seconds."""
    deadline = time.monotonic() + wait
    delay = _POLL
    while time.monotonic() < deadline:
        reply = cached_reply(kv, key)
        if reply is not None:
            return reply
        if kv.get(claim_key(key)) is None:
            return cached_reply(kv, key)
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 1.5, 0.2)
    return None

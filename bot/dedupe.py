"""Dedupe WeChat's retries in the shared store: one key per message, first "pending", then the reply.

The first copy takes the key (SET NX "pending"), computes the reply and
overwrites the key with it; a copy arriving meanwhile polls the key until
the reply is there; later copies read it at once. The store makes repeats
fast; the unique key on `inbound_messages` is the final guard (bot.pipeline).
"""

from __future__ import annotations

import time

from core.kv import KV

REPLY_TTL = 120.0  # WeChat retries within ~15 s; keep replies well past that
PENDING = "\x00pending"
_POLL = 0.02


def store_key(key: str) -> str:
    """Return the store key that holds a message's claim and then its reply."""
    return f"wx:msg:{key}"


def claim(kv: KV, key: str) -> str | None:
    """Take the right to answer this message (None), or return the reply a copy already gave."""
    if kv.set_if_absent(store_key(key), PENDING, REPLY_TTL):
        return None
    return kv.get(store_key(key)) or PENDING


def release(kv: KV, key: str) -> None:
    """Give the claim back after a failure, so a retry may try again."""
    kv.delete(store_key(key))


def remember_reply(kv: KV, key: str, reply: str) -> None:
    """Store the reply so later copies get the same answer."""
    kv.set(store_key(key), reply, REPLY_TTL)


def forget(kv: KV, key: str) -> None:
    """Drop what the store knows of a message (tests use this to prove the database guard)."""
    kv.delete(store_key(key))


def wait_for_reply(kv: KV, key: str, *, wait: float) -> str | None:
    """Poll for the first copy's reply for up to `wait` seconds."""
    deadline = time.monotonic() + wait
    delay = _POLL
    while time.monotonic() < deadline:
        value = kv.get(store_key(key))
        if value is None:
            return None
        if value != PENDING:
            return value
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 1.5, 0.2)
    return None

"""Dedupe WeChat's retries in the shared store: one key per message, first "pending", then the reply.

The first copy takes the key (SET NX "pending", in bot.turnstore's open
script), computes the reply and overwrites the key with it (the close
script); a copy arriving meanwhile polls the key until the reply is there;
later copies read it at once. The store makes repeats
fast; the unique key on `inbound_messages` is the final guard (bot.pipeline).
"""

from __future__ import annotations

import time

from bot.message import Inbound
from core.kv import KV

REPLY_TTL = 120.0  # WeChat retries within ~15 s; keep replies well past that
PENDING = "\x00pending"
_POLL = 0.02


def store_key(message: Inbound) -> str:
    """Return the store key that holds a message's claim and then its reply.

    The sender's openid in braces is the key's Redis Cluster hash tag: the
    turn scripts touch this key and the sender's lock, dialogue and seen
    mark (bot.dialogue_state, bot.turnstore) in one call, so they must share
    a slot.
    """
    return f"wx:msg:{{{message.openid}}}:{message.dedupe_key}"


def release(kv: KV, message: Inbound) -> None:
    """Give the claim back after a failure, so a retry may try again."""
    kv.delete(store_key(message))


def wait_for_reply(kv: KV, message: Inbound, *, wait: float) -> str | None:
    """Poll for the first copy's reply for up to `wait` seconds."""
    key = store_key(message)
    deadline = time.monotonic() + wait
    delay = _POLL
    while time.monotonic() < deadline:
        value = kv.get(key)
        if value is None:
            return None
        if value != PENDING:
            return value
        time.sleep(min(delay, max(0.0, deadline - time.monotonic())))
        delay = min(delay * 1.5, 0.2)
    return None

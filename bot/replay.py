"""Refuse a signed /wechat URL used again for another message.

In plain mode WeChat's signature covers only token, timestamp and nonce, so
a URL read from a log would carry any body for as long as its timestamp is
fresh. Each (timestamp, nonce) is remembered with a hash of the message it
first carried, for as long as that timestamp is accepted. The same message
again is WeChat's own retry (it resends the same request when it got no
answer within 5 s) and goes on to the MsgId dedupe, which answers it with the
first reply; another message under a used nonce is refused. The hash is of
the decrypted XML, so a retry WeChat sealed afresh is still the same message.

The mark is its own store command, not a step of bot.turnstore's open
script: that script's keys share the sender's Redis Cluster slot, and this
key cannot be the sender's (keyed by sender, a used URL would still carry one
message as each other sender). Where only safe mode is taken the mark is not asked at all
(bot.views).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from bot.signature import MAX_SKEW_SECONDS
from core.kv import KV


def nonce_key(timestamp: str, nonce: str) -> str:
    """Return the store key that remembers one signed (timestamp, nonce)."""
    return f"wx:nonce:{timestamp}:{nonce[:64]}"


def body_digest(body: bytes) -> str:
    """Return the fingerprint kept for the message a nonce first carried."""
    return hashlib.sha256(body).hexdigest()[:32]


def remember_ttl(timestamp: str, now: datetime) -> float:
    """Seconds the (timestamp, nonce) must be kept: until the timestamp is no longer fresh."""
    left = int(timestamp) + MAX_SKEW_SECONDS - now.timestamp()
    return float(min(max(left + 1, 1), 2 * MAX_SKEW_SECONDS + 1))


def first_use_or_retry(kv: KV, *, timestamp: str, nonce: str, body: bytes,
                       now: datetime) -> bool:
    """Remember the nonce; tell whether this is its first use or a resend of the same body."""
    key, digest = nonce_key(timestamp, nonce), body_digest(body)
    if kv.set_if_absent(key, digest, remember_ttl(timestamp, now)):
        return True
    earlier = kv.get(key)
    return earlier is None or earlier == digest

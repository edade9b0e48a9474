"""One active scheduler: a lease in the shared store, renewed while its holder lives.

The holder renews the lease every third of its time to live. If it dies,
the lease lapses and a waiting scheduler takes over within one TTL. Renewal
is compare-and-set on the holder's own value, so a scheduler that lost the
lease (a long pause) can never renew someone else's.
"""

from __future__ import annotations

import os
import secrets
import socket

from core.kv import KV

LEASE_KEY = "scheduler:lease"


class Lease:
    """A named lease with a time to live, held by one process at a time."""

    def __init__(self, kv: KV, *, key: str = LEASE_KEY, ttl: float = 30.0) -> None:
        self.kv = kv
        self.key = key
        self.ttl = ttl
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"

    def acquire(self) -> bool:
        """Take the lease if nobody holds it (or keep it if we already do)."""
        if self.kv.set_if_absent(self.key, self.holder, self.ttl):
            return True
        return self.renew()

    def renew(self) -> bool:
        """Extend the lease; False means we no longer hold it."""
        return self.kv.renew_lock(self.key, self.holder, self.ttl)

    def release(self) -> None:
        """Give the lease up now, if we hold it."""
        self.kv.release_lock(self.key, self.holder)

    def current_holder(self) -> str | None:
        """Return who holds the lease now, if anyone."""
        return self.kv.get(self.key)

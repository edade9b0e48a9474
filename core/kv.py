"""Shared fast state: one small interface over Redis, or an embedded Redis in the process.

Dedupe keys, dialogue state, locks, rate limits and the token cache all go
through `get_kv()`. Without `REDIS_URL` the store is fakeredis (with lupa
running Lua) inside the process, so every operation and script is written
once, for Redis. Correctness never rests on this store alone: the
database's constraints are the final guard.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Script:
    """Several store steps as one atomic round trip: Lua, run by Redis (or the embedded one).

    KEYS are prefixed by the store; TTLs in ARGV are whatever the script says
    (the turn scripts take milliseconds). A script returns a list.
    """

    name: str
    lua: str


_RELEASE = Script("kv.release_lock", """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return {redis.call('del', KEYS[1])}
end
return {0}
""")
_INCR = Script("kv.incr", """
local v = redis.call('incr', KEYS[1])
if redis.call('ttl', KEYS[1]) < 0 then
  redis.call('expire', KEYS[1], ARGV[1])
end
return {v}
""")
_RENEW = Script("kv.renew_lock", """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return {redis.call('expire', KEYS[1], ARGV[2])}
end
return {0}
""")


class LockTimeout(RuntimeError):
    """A lock could not be taken within the wait allowed."""


class KV:
    """The store over a redis-py client; values are strings, TTLs are seconds, every key prefixed."""

    def __init__(self, client: Any, prefix: str = "") -> None:
        self.client = client
        self.prefix = prefix
        self._scripts: dict[Script, Any] = {}  # script → redis-py Script (EVALSHA, EVAL when unknown)

    def _k(self, key: str) -> str:
        return self.prefix + key

    @staticmethod
    def _ms(ttl: float | None) -> int | None:
        return None if ttl is None else max(1, int(ttl * 1000))

    def get(self, key: str) -> str | None:
        value = self.client.get(self._k(key))
        return None if value is None else str(value)

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        self.client.set(self._k(key), value, px=self._ms(ttl))

    def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        return bool(self.client.set(self._k(key), value, px=self._ms(ttl), nx=True))

    def delete(self, key: str) -> None:
        self.client.delete(self._k(key))

    def incr(self, key: str, ttl: float) -> int:
        return int(self.run(_INCR, [key], [max(1, int(ttl))])[0])

    def ttl(self, key: str) -> float | None:
        ms = int(self.client.pttl(self._k(key)))
        return None if ms < 0 else ms / 1000

    def acquire_lock(self, key: str, ttl: float) -> str | None:
        token = secrets.token_hex(16)
        return token if self.set_if_absent(key, token, ttl) else None

    def release_lock(self, key: str, token: str) -> bool:
        return bool(self.run(_RELEASE, [key], [token])[0])

    def renew_lock(self, key: str, token: str, ttl: float) -> bool:
        return bool(self.run(_RENEW, [key], [token, max(1, int(ttl))])[0])

    def ping(self) -> bool:
        return bool(self.client.ping())

    def run(self, script: Script, keys: Sequence[str], args: Sequence[Any]) -> list[Any]:
        """Run a script atomically on the keys (prefixed here) with the args."""
        registered = self._scripts.get(script)
        if registered is None:
            registered = self._scripts[script] = self.client.register_script(script.lua)
        return list(registered(keys=[self._k(k) for k in keys], args=list(args)))

    def clear(self) -> None:
        """Delete every key under this store's prefix (tests)."""
        for key in self.client.scan_iter(match=self.prefix + "*", count=500):
            self.client.delete(key)


class RedisKV(KV):
    """The production store: Redis at a URL, every key under one prefix."""

    def __init__(self, url: str, prefix: str = "linli:") -> None:
        import redis

        super().__init__(redis.Redis.from_url(url, decode_responses=True, socket_timeout=2.0,
                                              socket_connect_timeout=2.0), prefix)


class MemoryKV(KV):
    """The embedded default: a Redis of this process's own (fakeredis, Lua by lupa), thread-safe."""

    def __init__(self) -> None:
        import fakeredis

        super().__init__(fakeredis.FakeRedis(server=fakeredis.FakeServer(), decode_responses=True))


def get_json(kv: KV, key: str) -> Any:
    """Read a JSON value, or None."""
    raw = kv.get(key)
    return None if raw is None else json.loads(raw)


def set_json(kv: KV, key: str, value: Any, ttl: float | None = None) -> None:
    """Store a JSON value."""
    kv.set(key, json.dumps(value, ensure_ascii=False, separators=(",", ":")), ttl)


def acquire_waiting(kv: KV, key: str, *, ttl: float, wait: float, max_delay: float = 0.1) -> str:
    """Take `key` as a lock, polling up to `wait` seconds; return its token or raise LockTimeout."""
    deadline = time.monotonic() + wait
    delay = 0.005
    while (token := kv.acquire_lock(key, ttl)) is None:
        if time.monotonic() >= deadline:
            raise LockTimeout(key)
        time.sleep(delay)
        delay = min(delay * 2, max_delay)
    return token


@contextmanager
def locked(kv: KV, key: str, *, ttl: float = 10.0, wait: float = 5.0) -> Iterator[str]:
    """Hold `key` as a lock for the block; wait up to `wait` seconds for it."""
    token = acquire_waiting(kv, key, ttl=ttl, wait=wait)
    try:
        yield token
    finally:
        kv.release_lock(key, token)


_kv: KV | None = None


def build_kv(redis_url: str, prefix: str = "linli:") -> KV:
    """Return a Redis store for a URL, or the in-process store when unset."""
    return RedisKV(redis_url, prefix) if redis_url else MemoryKV()


def get_kv() -> KV:
    """Return the process-wide store, building it from settings on first use."""
    global _kv
    if _kv is None:
        from core.config import get_settings

        settings = get_settings()
        _kv = build_kv(settings.redis_url, settings.kv_prefix)
    return _kv


def use_kv(kv: KV) -> KV:
    """Install a store for this process (app factory and tests)."""
    global _kv
    _kv = kv
    return kv

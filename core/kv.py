"""Shared fast state: one small interface, a Redis and an in-process store.

Dedupe keys, dialogue state, locks, rate limits and the token cache all go
through `get_kv()`. Correctness never rests on this store alone: the
database's constraints are the final guard.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

_RELEASE_LUA = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""
_INCR_LUA = """
local v = redis.call('incr', KEYS[1])
if redis.call('ttl', KEYS[1]) < 0 then
  redis.call('expire', KEYS[1], ARGV[1])
end
return v
"""
_RENEW_LUA = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('expire', KEYS[1], ARGV[2])
end
return 0
"""


class KeyView(Protocol):
    """What a script's Python twin may do to the in-process store (the mutex is held)."""

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: float | None = None) -> None: ...
    def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool: ...
    def delete(self, key: str) -> None: ...


@dataclass(frozen=True)
class Script:
    """Several store steps as one atomic round trip, written twice.

    `lua` runs in Redis (KEYS are prefixed, TTLs in ARGV are milliseconds);
    `python` does the same on the in-process store while it holds its mutex.
    Both return a list; the tests run every script on both stores.
    """

    name: str
    lua: str
    python: Callable[[KeyView, Sequence[str], Sequence[str]], list[Any]]


class KV(Protocol):
    """What every store offers; values are strings, TTLs are seconds."""

    def get(self, key: str) -> str | None: ...
    def set(self, key: str, value: str, ttl: float | None = None) -> None: ...
    def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool: ...
    def delete(self, key: str) -> None: ...
    def incr(self, key: str, ttl: float) -> int: ...
    def ttl(self, key: str) -> float | None: ...
    def acquire_lock(self, key: str, ttl: float) -> str | None: ...
    def release_lock(self, key: str, token: str) -> bool: ...
    def renew_lock(self, key: str, token: str, ttl: float) -> bool: ...
    def ping(self) -> bool: ...
    def run(self, script: Script, keys: Sequence[str], args: Sequence[str]) -> list[Any]: ...


class LockTimeout(RuntimeError):
    """A lock could not be taken within the wait allowed."""


class MemoryKV:
    """A thread-safe in-process store that honours TTLs (the embedded default)."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[str, float | None]] = {}
        self._mutex = threading.Lock()

    def _live(self, key: str) -> tuple[str, float | None] | None:
        item = self._data.get(key)
        if item is None:
            return None
        if item[1] is not None and item[1] <= time.monotonic():
            del self._data[key]
            return None
        return item

    @staticmethod
    def _deadline(ttl: float | None) -> float | None:
        return None if ttl is None else time.monotonic() + ttl

    def get(self, key: str) -> str | None:
        with self._mutex:
            item = self._live(key)
            return None if item is None else item[0]

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        with self._mutex:
            self._data[key] = (value, self._deadline(ttl))

    def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        with self._mutex:
            if self._live(key) is not None:
                return False
            self._data[key] = (value, self._deadline(ttl))
            return True

    def delete(self, key: str) -> None:
        with self._mutex:
            self._data.pop(key, None)

    def incr(self, key: str, ttl: float) -> int:
        with self._mutex:
            item = self._live(key)
            if item is None:
                self._data[key] = ("1", self._deadline(ttl))
                return 1
            value = int(item[0]) + 1
            self._data[key] = (str(value), item[1])
            return value

    def ttl(self, key: str) -> float | None:
        with self._mutex:
            item = self._live(key)
            if item is None or item[1] is None:
                return None
            return max(0.0, item[1] - time.monotonic())

    def acquire_lock(self, key: str, ttl: float) -> str | None:
        token = secrets.token_hex(16)
        return token if self.set_if_absent(key, token, ttl) else None

    def release_lock(self, key: str, token: str) -> bool:
        with self._mutex:
            item = self._live(key)
            if item is None or item[0] != token:
                return False
            del self._data[key]
            return True

    def renew_lock(self, key: str, token: str, ttl: float) -> bool:
        with self._mutex:
            item = self._live(key)
            if item is None or item[0] != token:
                return False
            self._data[key] = (token, self._deadline(ttl))
            return True

    def ping(self) -> bool:
        return True

    def run(self, script: Script, keys: Sequence[str], args: Sequence[str]) -> list[Any]:
        with self._mutex:
            return script.python(_LockedView(self), keys, args)

    def clear(self) -> None:
        with self._mutex:
            self._data.clear()


class _LockedView:
    """The in-process store seen from inside `run` (its mutex already held)."""

    def __init__(self, store: MemoryKV) -> None:
        self._store = store

    def get(self, key: str) -> str | None:
        item = self._store._live(key)
        return None if item is None else item[0]

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        self._store._data[key] = (value, self._store._deadline(ttl))

    def set_if_absent(self, key: str, value: str, ttl: float | None = None) -> bool:
        if self._store._live(key) is not None:
            return False
        self.set(key, value, ttl)
        return True

    def delete(self, key: str) -> None:
        self._store._data.pop(key, None)


class RedisKV:
    """The production store: Redis, every key under one prefix."""

    def __init__(self, url: str, prefix: str = "linli:") -> None:
        import redis

        self.prefix = prefix
        self.client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=2.0, socket_connect_timeout=2.0
        )
        self._release = self.client.register_script(_RELEASE_LUA)
        self._incr = self.client.register_script(_INCR_LUA)
        self._renew = self.client.register_script(_RENEW_LUA)
        self._scripts: dict[str, str] = {}  # script name → SHA-1 known to be loaded
        self._local = threading.local()

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
        return int(self._incr(keys=[self._k(key)], args=[max(1, int(ttl))]))

    def ttl(self, key: str) -> float | None:
        ms = int(self.client.pttl(self._k(key)))
        return None if ms < 0 else ms / 1000

    def acquire_lock(self, key: str, ttl: float) -> str | None:
        token = secrets.token_hex(16)
        return token if self.set_if_absent(key, token, ttl) else None

    def release_lock(self, key: str, token: str) -> bool:
        return bool(self._release(keys=[self._k(key)], args=[token]))

    def renew_lock(self, key: str, token: str, ttl: float) -> bool:
        return bool(self._renew(keys=[self._k(key)], args=[token, max(1, int(ttl))]))

    def ping(self) -> bool:
        return bool(self.client.ping())

    def run(self, script: Script, keys: Sequence[str], args: Sequence[str]) -> list[Any]:
        """Run a script on this thread's own connection (the hot path of every chat turn).

        The connection pool's checkout (a readiness poll, usage metrics) and
        the client's retry wrapper cost more than the script itself; a
        connection per thread needs neither. A dropped connection is
        reopened and the script sent once more, as the client would.
        """
        import redis

        argv = (len(keys), *[self._k(k) for k in keys], *args)
        for attempt in (1, 2):
            conn = self._thread_connection()
            try:
                return list(self._eval(conn, script, argv))
            except redis.ConnectionError:
                conn.disconnect()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _thread_connection(self) -> Any:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # first use on this thread, or a forked child
            pool = self.client.connection_pool
            local.conn, local.pid = pool.connection_class(**pool.connection_kwargs), os.getpid()
        return local.conn

    def _eval(self, conn: Any, script: Script, argv: tuple[Any, ...]) -> Any:
        from redis.exceptions import NoScriptError

        sha = self._scripts.get(script.name)
        if sha is not None:
            conn.send_command("EVALSHA", sha, *argv)
            try:
                return conn.read_response()
            except NoScriptError:  # Redis restarted or its script cache was flushed
                pass
        conn.send_command("EVAL", script.lua, *argv)  # also caches the script in Redis
        reply = conn.read_response()
        self._scripts[script.name] = hashlib.sha1(script.lua.encode(), usedforsecurity=False).hexdigest()
        return reply

    def clear(self) -> None:
        """Delete every key under this store's prefix (tests)."""
        for key in self.client.scan_iter(match=self.prefix + "*", count=500):
            self.client.delete(key)


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

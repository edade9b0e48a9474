"""The shared-store contract, run against the in-process store and Redis."""

import threading
import time

import pytest

from core.kv import LockTimeout, get_json, locked, set_json

pytestmark = pytest.mark.integration


def test_get_set_delete(kv):
    assert kv.get("k") is None
    kv.set("k", "v")
    assert kv.get("k") == "v"
    kv.delete("k")
    assert kv.get("k") is None


def test_ttl_expiry(kv):
    kv.set("short", "v", ttl=0.2)
    assert kv.get("short") == "v"
    assert 0 < kv.ttl("short") <= 0.2
    time.sleep(0.35)
    assert kv.get("short") is None


def test_set_if_absent_from_20_threads_has_exactly_one_winner(kv):
    barrier = threading.Barrier(20)
    wins: list[int] = []

    def attempt(i: int) -> None:
        barrier.wait()
        if kv.set_if_absent("race", str(i), ttl=5):
            wins.append(i)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1
    assert kv.get("race") == str(wins[0])


def test_incr_counts_and_expires(kv):
    assert kv.incr("count", ttl=1) == 1
    assert kv.incr("count", ttl=1) == 2
    time.sleep(1.2)
    assert kv.incr("count", ttl=1) == 1


def test_lock_released_by_non_owner_stays_held(kv):
    token = kv.acquire_lock("lock", ttl=5)
    assert token
    assert kv.acquire_lock("lock", ttl=5) is None
    assert kv.release_lock("lock", "not-the-owner") is False
    assert kv.acquire_lock("lock", ttl=5) is None
    assert kv.release_lock("lock", token) is True
    assert kv.acquire_lock("lock", ttl=5)


def test_lock_renewal_only_by_owner(kv):
    token = kv.acquire_lock("lease", ttl=1)
    assert kv.renew_lock("lease", "intruder", ttl=5) is False
    assert kv.renew_lock("lease", token, ttl=5) is True
    time.sleep(1.2)
    assert kv.acquire_lock("lease", ttl=1) is None


def test_locked_waits_then_times_out(kv):
    with locked(kv, "busy", ttl=5, wait=0.5):
        with pytest.raises(LockTimeout):
            with locked(kv, "busy", ttl=5, wait=0.2):
                pass
    with locked(kv, "busy", ttl=5, wait=0.2):
        pass


def test_json_helpers(kv):
    set_json(kv, "state", {"flow": "book_meal", "slots": {"count": 2}}, ttl=60)
    assert get_json(kv, "state") == {"flow": "book_meal", "slots": {"count": 2}}


def test_incr_and_scripts_from_20_threads_lose_no_count(kv):
    barrier = threading.Barrier(20)

    def attempt() -> None:
        barrier.wait()
        for _ in range(10):
            kv.incr("hits", ttl=60)
            with locked(kv, "shared", ttl=5, wait=5):
                kv.set("shared-value", "x")

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert kv.incr("hits", ttl=60) == 201
    assert kv.acquire_lock("shared", ttl=5)

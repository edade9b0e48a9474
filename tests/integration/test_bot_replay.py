"""Each signed (timestamp, nonce) is remembered with its message, on both stores, for the window."""

import threading
from datetime import timedelta

import pytest

from bot import replay
from bot.signature import MAX_SKEW_SECONDS

pytestmark = pytest.mark.integration


def test_first_use_then_the_same_body_then_another_body(kv, frozen_clock):
    ts = str(int(frozen_clock.at.timestamp()))
    assert replay.first_use_or_retry(kv, timestamp=ts, nonce="123456", body=b"<xml>a</xml>",
                                     now=frozen_clock.at)
    assert replay.first_use_or_retry(kv, timestamp=ts, nonce="123456", body=b"<xml>a</xml>",
                                     now=frozen_clock.at)  # WeChat's retry
    assert not replay.first_use_or_retry(kv, timestamp=ts, nonce="123456", body=b"<xml>b</xml>",
                                         now=frozen_clock.at)
    assert replay.first_use_or_retry(kv, timestamp=ts, nonce="654321", body=b"<xml>b</xml>",
                                     now=frozen_clock.at)  # another nonce is another request


def test_the_nonce_is_kept_as_long_as_its_timestamp_is_accepted(kv, frozen_clock):
    now = frozen_clock.at
    ts = str(int(now.timestamp()))
    replay.first_use_or_retry(kv, timestamp=ts, nonce="777", body=b"x", now=now)
    left = kv.ttl(replay.nonce_key(ts, "777"))
    assert left is not None and MAX_SKEW_SECONDS - 5 < left <= MAX_SKEW_SECONDS + 1
    early = str(int((now + timedelta(seconds=MAX_SKEW_SECONDS)).timestamp()))  # a clock ahead
    assert replay.remember_ttl(early, now) == 2 * MAX_SKEW_SECONDS + 1


def test_twenty_different_bodies_at_once_under_one_nonce_let_exactly_one_through(kv, frozen_clock):
    ts = str(int(frozen_clock.at.timestamp()))
    results: list[bool] = []
    barrier = threading.Barrier(20)

    def send(i: int) -> None:
        barrier.wait()
        results.append(replay.first_use_or_retry(kv, timestamp=ts, nonce="42",
                                                 body=f"<xml>{i}</xml>".encode(),
                                                 now=frozen_clock.at))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert sorted(results) == [False] * 19 + [True]

"""A message's two store round trips behave the same in Redis and in the in-process store."""

import threading

import pytest

from bot import dedupe, turnstore
from bot.dialogue_state import lapsed_key, state_key, user_lock_key
from bot.message import Inbound

pytestmark = pytest.mark.integration


def message(msg_id: str = "1", openid: str = "o-turn") -> Inbound:
    return Inbound(openid=openid, account="gh", msg_type="text", create_time="1795914000",
                   msg_id=msg_id, content="你好")


def test_open_claims_locks_reads_the_state_and_marks_the_sender_seen_once(kv):
    kv.set(state_key("o-turn"), '{"flow": "meal_book"}')
    first = turnstore.open_turn(kv, message("1"))
    assert first.earlier is None and first.lock_token is not None
    assert first.raw_state == '{"flow": "meal_book"}' and first.first_in_a_minute
    turnstore.close_turn(kv, message("1"), first, "<xml>r1</xml>", turnstore.DROP)
    assert kv.get(state_key("o-turn")) is None and kv.get(user_lock_key("o-turn")) is None
    second = turnstore.open_turn(kv, message("2"))
    assert second.lock_token is not None and not second.first_in_a_minute


def test_a_copy_gets_pending_then_the_reply(kv):
    opened = turnstore.open_turn(kv, message("7"))
    assert turnstore.open_turn(kv, message("7")).earlier == dedupe.PENDING
    turnstore.close_turn(kv, message("7"), opened, "<xml>r7</xml>", turnstore.KEEP)
    assert turnstore.open_turn(kv, message("7")).earlier == "<xml>r7</xml>"


def test_a_busy_sender_waits_for_the_lock_and_close_saves_the_state(kv):
    first = turnstore.open_turn(kv, message("1"))
    busy = turnstore.open_turn(kv, message("2"))
    assert busy.earlier is None and busy.lock_token is None
    release = threading.Timer(0.1, turnstore.close_turn,
                              (kv, message("1"), first, "r1", turnstore.SAVE, '{"flow": "x"}'))
    release.start()
    waited = turnstore.wait_for_lock(kv, message("2"), wait=2)
    assert waited.lock_token is not None and waited.raw_state == '{"flow": "x"}'


def test_abandon_lets_a_retry_answer_again(kv):
    opened = turnstore.open_turn(kv, message("9"))
    turnstore.abandon(kv, message("9"), opened)
    again = turnstore.open_turn(kv, message("9"))
    assert again.earlier is None and again.lock_token is not None and again.first_in_a_minute


def test_close_never_releases_someone_elses_lock(kv):
    opened = turnstore.open_turn(kv, message("1"))
    kv.delete(user_lock_key("o-turn"))  # the lock expired and another worker took it
    other = kv.acquire_lock(user_lock_key("o-turn"), 30)
    turnstore.close_turn(kv, message("1"), opened, "r", turnstore.KEEP)
    assert kv.get(user_lock_key("o-turn")) == other


def test_a_turn_survives_a_flushed_script_cache_and_a_dropped_connection(redis_kv):
    """Redis restarted under a running worker: the next message is still answered."""
    first = turnstore.open_turn(redis_kv, message("1"))
    turnstore.close_turn(redis_kv, message("1"), first, "<xml>r1</xml>", turnstore.KEEP)
    redis_kv.client.script_flush()
    for client in redis_kv.client.client_list():
        if client["id"] != str(redis_kv.client.client_id()) and client["cmd"] in ("eval", "evalsha"):
            redis_kv.client.client_kill_filter(_id=client["id"])
    second = turnstore.open_turn(redis_kv, message("2"))
    assert second.earlier is None and second.lock_token is not None
    assert turnstore.open_turn(redis_kv, message("1")).earlier == "<xml>r1</xml>"


@pytest.mark.parametrize("openid", ["o-turn", "oAbC_12-xyz", "demo_elder_wang"])
def test_a_turns_keys_share_one_redis_cluster_slot(openid):
    """One script touches them all; in Redis Cluster that needs one hash slot."""
    from redis.crc import key_slot

    from bot.turnstore import seen_key

    inbound = message("42", openid)
    keys = [dedupe.store_key(inbound), user_lock_key(openid), state_key(openid), seen_key(openid),
            lapsed_key(openid)]
    assert len({key_slot(f"linli:{key}".encode()) for key in keys}) == 1

"""A message's two round trips to the shared store: open the turn, close it.

Open, atomically: claim the message's dedupe key (or read the reply a copy
already gave), take the sender's dialogue lock, read the dialogue state (or,
once it lapsed, which flow it was) and
mark the sender seen for a minute (so the 48-hour window is written to the
database at most once a minute). Close, atomically: store the reply for
later copies, save or drop the dialogue state (what was said is kept a
minute past its timeout, which flow it was for a day: bot.dialogue_state),
release the lock. The slow
paths (the lock is busy, the turn failed) use the store's plain operations.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from bot import dedupe
from bot.dialogue_state import (
    LAPSED_KEPT_SECONDS,
    STATE_KEPT_SECONDS,
    lapsed_key,
    lapsed_marker,
    state_key,
    user_lock_key,
)
from bot.message import Inbound
from core.kv import KV, Script, acquire_waiting

LOCK_TTL = 30.0
SEEN_TTL = 60.0  # a window touched within the last minute needs no refresh
KEEP, DROP, SAVE = "keep", "drop", "save"


def _ms(seconds: float) -> str:
    return str(max(1, int(seconds * 1000)))


_OPEN_LUA = """
if not redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {'dup', redis.call('get', KEYS[1]) or ARGV[1]}
end
if not redis.call('set', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then
  return {'busy'}
end
local fresh = redis.call('set', KEYS[4], '1', 'NX', 'PX', ARGV[5])
local state = redis.call('get', KEYS[3])
if not state then
  state = redis.call('get', KEYS[5])
end
return {'go', state, fresh and 1 or 0}
"""


_CLOSE_LUA = """
redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[4] == 'save' then
  redis.call('set', KEYS[3], ARGV[5], 'PX', ARGV[6])
  redis.call('set', KEYS[4], ARGV[7], 'PX', ARGV[8])
elseif ARGV[4] == 'drop' then
  redis.call('del', KEYS[3], KEYS[4])
end
if redis.call('get', KEYS[2]) == ARGV[3] then
  redis.call('del', KEYS[2])
end
return {1}
"""

OPEN = Script("bot.open_turn", _OPEN_LUA)
CLOSE = Script("bot.close_turn", _CLOSE_LUA)


def seen_key(openid: str) -> str:
    return f"wx:seen:{{{openid}}}"  # hash tag: see bot.dedupe.store_key


@dataclass
class Opened:
    """What opening a turn found: an earlier reply, or the lock, the raw state and the seen mark."""

    earlier: str | None = None
    lock_token: str | None = None
    raw_state: str | None = None
    first_in_a_minute: bool = False


def open_turn(kv: KV, message: Inbound) -> Opened:
    """Claim the message and, when the sender is free, lock and read their dialogue."""
    openid, token = message.openid, secrets.token_hex(16)
    keys = [dedupe.store_key(message), user_lock_key(openid), state_key(openid),
            seen_key(openid), lapsed_key(openid)]
    args = [dedupe.PENDING, _ms(dedupe.REPLY_TTL), token, _ms(LOCK_TTL), _ms(SEEN_TTL)]
    result = kv.run(OPEN, keys, args)
    if result[0] == "dup":
        return Opened(earlier=str(result[1]))
    if result[0] == "busy":
        return Opened()
    raw = None if result[1] is None else str(result[1])
    return Opened(lock_token=token, raw_state=raw, first_in_a_minute=bool(result[2]))


def wait_for_lock(kv: KV, message: Inbound, *, wait: float) -> Opened:
    """The sender's previous message is still being answered: wait for it, then read."""
    # The previous turn takes milliseconds: look again soon.
    token = acquire_waiting(kv, user_lock_key(message.openid), ttl=LOCK_TTL, wait=wait,
                            max_delay=0.02)
    fresh = kv.set_if_absent(seen_key(message.openid), "1", SEEN_TTL)
    raw = kv.get(state_key(message.openid)) or kv.get(lapsed_key(message.openid))
    return Opened(lock_token=token, raw_state=raw, first_in_a_minute=fresh)


def close_turn(kv: KV, message: Inbound, opened: Opened, reply: str, action: str,
               raw_state: str | None = None) -> None:
    """Remember the reply, keep / drop / save the dialogue state, release the lock."""
    keys = [dedupe.store_key(message), user_lock_key(message.openid),
            state_key(message.openid), lapsed_key(message.openid)]
    marker = lapsed_marker(raw_state) if action == SAVE and raw_state else ""
    args = [reply, _ms(dedupe.REPLY_TTL), opened.lock_token or "", action, raw_state or "",
            _ms(STATE_KEPT_SECONDS), marker, _ms(LAPSED_KEPT_SECONDS)]
    kv.run(CLOSE, keys, args)


def abandon(kv: KV, message: Inbound, opened: Opened) -> None:
    """Undo an open after a failure: a retry may answer again and touch the window again."""
    dedupe.release(kv, message)
    if opened.first_in_a_minute:
        kv.delete(seen_key(message.openid))
    if opened.lock_token is not None:
        kv.release_lock(user_lock_key(message.openid), opened.lock_token)

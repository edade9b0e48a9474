"""Dialogue state per openid in the shared store, with a 15-minute timeout."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

TIMEOUT_SECONDS = 15 * 60
# What was said in an unfinished dialogue (a name, an address, a phone number) is
# forgotten a minute after its timeout; which flow it was is kept for a day, so a "1"
# hours later is told that the read-back it answers timed out instead of being taken
# for something else.
STATE_KEPT_SECONDS = TIMEOUT_SECONDS + 60
LAPSED_KEPT_SECONDS = 24 * 3600


@dataclass
class DialogueState:
    """Where a person is in a conversation: flow, state, slots and the numbered choices shown."""

    flow: str | None = None
    step: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    choices: list[list[Any]] = field(default_factory=list)
    misses: int = 0
    updated_at: float = 0.0

    def reset(self) -> None:
        """Forget the flow and everything collected."""
        self.flow, self.step, self.slots, self.choices, self.misses = None, None, {}, [], 0

    def start(self, flow: str) -> None:
        """Begin a flow from its first state."""
        self.reset()
        self.flow = flow

    @property
    def idle(self) -> bool:
        return self.flow is None and not self.choices and self.misses == 0


def state_key(openid: str) -> str:
    return f"dlg:{{{openid}}}"  # hash tag: see bot.dedupe.store_key


def lapsed_key(openid: str) -> str:
    """Which flow the sender's last unfinished dialogue was (no slots): kept for a day."""
    return f"dlg-lapsed:{{{openid}}}"


def lapsed_marker(raw_state: str) -> str:
    """The part of a stored state kept after its timeout: the flow, stamped long ago."""
    flow = json.loads(raw_state).get("flow")
    return json.dumps({"flow": flow, "updated_at": 0}, ensure_ascii=False)


def user_lock_key(openid: str) -> str:
    return f"dlg-lock:{{{openid}}}"


def decode_state(raw: str | None, now: datetime) -> tuple[DialogueState, str | None]:
    """Read a stored state; return it and the flow that timed out (if one did)."""
    if raw is None:
        return DialogueState(), None
    try:
        state = DialogueState(**json.loads(raw))
    except (TypeError, ValueError):
        return DialogueState(), None
    if now.timestamp() - state.updated_at > TIMEOUT_SECONDS:
        return DialogueState(), state.flow
    return state, None


def encode_state(state: DialogueState, now: datetime) -> str | None:
    """Stamp and serialise a state; None when there is nothing to remember."""
    if state.idle:
        return None
    state.updated_at = now.timestamp()
    return json.dumps(asdict(state), ensure_ascii=False)

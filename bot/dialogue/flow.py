"""What a flow declares: its steps (one slot each), read-back, commit and gate.

A flow's states are `ask_<slot>` for each step, in order, then `confirm`.
The engine moves to the first step whose slot is still empty; when none is,
it reads everything back and waits for yes. A flow that receives the answer
to a question the bot sent (a rating, "对吗？回复1确认，2不对") commits on that
answer: the question was the read-back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.turn import Turn
from nlp import Parse
from services.messaging.questions import Clue

CONFIRM = "confirm"


class FlowEnds(Exception):
    """A flow cannot go on (nothing to choose from); the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Question:
    """One question, with numbered choices (value, label) when it has them."""

    text: str
    choices: list[tuple[Any, str]] = field(default_factory=list)

    def render(self) -> str:
        """Say the question, then one numbered choice a line."""
        lines = [self.text] + [f"{n} {label}" for n, (_, label) in enumerate(self.choices, 1)]
        return "\n".join(lines)


def _always(turn: Turn) -> bool:
    return True


def _read_nothing(turn: Turn, text: str, parse: Parse) -> Any:
    return None


def _no_gate(turn: Turn) -> str | None:
    return None


def _accept_any(turn: Turn, value: Any) -> Any:
    return value


def copy_slots(*names: str) -> Callable[[Turn, Parse], None]:
    """Return a prefill that copies the named parse slots into the dialogue."""

    def prefill(turn: Turn, parse: Parse) -> None:
        for name in names:
            if name in parse.slots:
                turn.state.slots[name] = parse.slots[name]
        unsure = [name for name in parse.ambiguous if name in names]
        if unsure:
            turn.state.slots["_unsure"] = sorted(set(turn.state.slots.get("_unsure", [])) | set(unsure))

    return prefill


@dataclass(frozen=True)
class Step:
    """A state that asks for one slot; `read` takes it from a free-text answer."""

    slot: str
    ask: Callable[[Turn], Question]
    read: Callable[[Turn, str, Parse], Any] = _read_nothing
    needed: Callable[[Turn], bool] = _always
    accept: Callable[[Turn, Any], Any] = _accept_any  # may raise FlowEnds

    @property
    def state(self) -> str:
        return f"ask_{self.slot}"


@dataclass(frozen=True)
class Flow:
    """An explicit state machine: steps, then confirm, then one service call."""

    name: str
    title: str
    cue: str
    steps: tuple[Step, ...]
    summary: Callable[[Turn], str]
    commit: Callable[[Turn], str]
    prefill: Callable[[Turn, Parse], None] = field(default=lambda turn, parse: None)
    gate: Callable[[Turn], str | None] = _no_gate
    confirm: bool = True  # False: commit as soon as every slot is filled

    def step_named(self, state: str | None) -> Step | None:
        return next((s for s in self.steps if s.state == state), None)

    def states(self) -> list[str]:
        """Name every state, in order (docs/flows.md draws these)."""
        return [s.state for s in self.steps] + [CONFIRM]


@dataclass(frozen=True)
class Pending:
    """A question sent to this person that still waits for an answer, and when it was asked."""

    asked_at: datetime
    slots: dict[str, Any]


@dataclass(frozen=True)
class AskedQuestion:
    """A question the bot sends outside a conversation (outbox, one-shot answer) and its receiver.

    `asks` are fragments of the question's wording (a test matches every
    prompt the code sends against them); `reads` takes the answer from a
    message without I/O, so only a message that could be an answer costs a
    look-up; `find` returns what is still waiting for this person (the
    database remembers the question, not the 15-minute dialogue state);
    `settled` says, when nothing waits any more, that someone else answered
    it meanwhile (staff, another device), or None. `may_wait` is a clue the
    database checks for every kind in one statement: it holds whenever `find`
    or `settled` could say something, so someone with nothing asked pays for
    neither.
    """

    flow: str
    slot: str
    asks: tuple[str, ...]
    reads: Callable[[str], Any]
    find: Callable[[Turn], Pending | None]
    may_wait: Callable[[Turn], Clue]
    settled: Callable[[Turn], str | None] = field(default=lambda turn: None)

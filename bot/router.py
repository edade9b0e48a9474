"""A declarative router: (message type, event) → handler, built explicitly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.turn import Turn
from core.errors import LinliError

Handler = Callable[[Turn], str | None]


@dataclass
class Router:
    """Maps message types and event names to handlers; a fallback answers the rest."""

    by_type: dict[str, Handler] = field(default_factory=dict)
    by_event: dict[str, Handler] = field(default_factory=dict)
    fallback: Handler | None = None
    on_timeout: Callable[[Turn, str], None] | None = None

    def route(self, turn: Turn, *, timed_out: str | None = None) -> str | None:
        """Answer a turn: the reply text, or None for `success`."""
        if timed_out and self.on_timeout is not None:
            self.on_timeout(turn, timed_out)
        message = turn.message
        if message.msg_type == "event":
            handler = self.by_event.get(message.event, self.fallback)
        else:
            handler = self.by_type.get(message.msg_type, self.fallback)
        if handler is None:
            return None
        try:
            return handler(turn)
        except LinliError as error:  # the world moved under a turn: say what, never "系统有点忙"
            turn.state.reset()
            return refusal_words(error)


def refusal_words(error: LinliError) -> str:
    """Say a domain error as the bot does everywhere: what happened, then the way on."""
    return f"{error.message}\n需要帮忙，回复“转人工”。"


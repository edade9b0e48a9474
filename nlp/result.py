"""The value `nlp.parse` returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SlotValue = str | int | float | bool
DANGER_ASK = 0.35  # below an emergency, at or above this the bot asks whether there is danger


@dataclass(frozen=True)
class Parse:
    """One message understood: an intent, its slots, and how sure we are.

    `slots` follows LABELS.md (only what the message states). `alternatives`
    are the next-best intents with their share of the evidence, best first,
    for "您是想：1 订餐 2 取消订餐". `ambiguous` names the slots whose value
    rests on a documented policy choice the bot should confirm (and `time`
    for a bare clock time such as 两点半). `danger` (0–1) is how strongly the
    message signals danger to life or health now: an emergency parse carries
    it near 1; a message that is not an emergency but scores at least
    `DANGER_ASK` is `danger_unsure`, and the bot asks "您是不是遇到危险了？".
    """

    intent: str
    slots: dict[str, SlotValue] = field(default_factory=dict)
    confidence: float = 0.0
    alternatives: tuple[tuple[str, float], ...] = ()
    ambiguous: tuple[str, ...] = ()
    danger: float = 0.0

    @property
    def danger_unsure(self) -> bool:
        """True when the message may signal danger but was not read as an emergency."""
        return self.danger >= DANGER_ASK and self.slots.get("urgency") != "emergency"

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "intent": self.intent,
            "slots": dict(self.slots),
            "confidence": self.confidence,
            "alternatives": [[name, score] for name, score in self.alternatives],
            "ambiguous": list(self.ambiguous),
            "danger": self.danger,
        }

"""What one handler sees: the message, the person, the session, the store, the dialogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.dialogue.state import DialogueState
from bot.message import Inbound
from core.kv import KV
from models.person import Person


@dataclass
class Turn:
    """One inbound message being answered inside one unit of work."""

    session: Session
    kv: KV
    message: Inbound
    person: Person
    now: datetime
    state: DialogueState
    notes: list[str] = field(default_factory=list)
    text: str = ""

    @property
    def source_key(self) -> str:
        """Return this message's dedupe key, for services that take a source key."""
        return self.message.dedupe_key

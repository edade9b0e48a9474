"""What one handler sees: the message, the person, the session, the store, the dialogue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.dialogue_state import DialogueState
from bot.message import Inbound
from core.kv import KV
from models.person import Person


@dataclass
class Turn:
    """One inbound message being answered inside one unit of work.

    The person is read (or, for a new follower, created) on first use, so a
    turn that never needs them — a greeting, a menu, a question not
    understood — never touches the database.
    """

    session: Session
    kv: KV
    message: Inbound
    now: datetime
    state: DialogueState
    notes: list[str] = field(default_factory=list)
    text: str = ""
    _person: Person | None = field(default=None, repr=False)

    @property
    def person(self) -> Person:
        """Return the sender, reading or creating them on first use."""
        if self._person is None:
            from services.people.persons import get_or_create_person_by_oa_openid

            self._person = get_or_create_person_by_oa_openid(self.session,
                                                             openid=self.message.openid)
        return self._person

    @property
    def source_key(self) -> str:
        """Return this message's dedupe key, for services that take a source key."""
        return self.message.dedupe_key

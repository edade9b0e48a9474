"""The 公众号 inbound message log: what WeChat delivered, the reply it got, and messages held for a turn.

A row is written under the message's unique dedupe key, the final guard
against WeChat's retries: by the turn that answered it (in the same
transaction as the turn's side effects), or, when the turn is put off in a
rush and the sender was told `success`, before that answer, as a held row
(`reply_mode` "pending", the message itself kept sealed in `reply_xml`
until the reply replaces it). Settling a held row is a conditional update,
so of two runs of one held turn exactly one commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from models.bot import InboundMessage

HELD = "pending"

def log_inbound_message(session: Session, *, dedupe_key: str, openid: str, person_id: int | None,
                        msg_type: str, event: str | None, content: str | None,
                        received_at: datetime, reply_xml: str, reply_mode: str) -> None:
    """Log an answered message under its unique key (a second copy fails on the key).

    The turn's own changes are flushed first: the log is a plain INSERT, the turn's last statement.
    """
    session.flush()
    session.execute(insert(cast(Table, InboundMessage.__table__)), dict(
        dedupe_key=dedupe_key, openid=openid, person_id=person_id, msg_type=msg_type,
        event=event, content=content, received_at=received_at, reply_xml=reply_xml,
        reply_mode=reply_mode,
    ))


def get_logged_reply(session: Session, *, dedupe_key: str) -> str | None:
    """Return the reply a logged message got ("" when none); None when not logged or still held."""
    stmt = (select(InboundMessage.reply_xml, InboundMessage.reply_mode)
            .where(InboundMessage.dedupe_key == dedupe_key))
    row = session.execute(stmt).first()
    if row is None or row.reply_mode == HELD:
        return None
    return row.reply_xml or ""


def hold_inbound_message(session: Session, *, dedupe_key: str, openid: str, msg_type: str,
                         event: str | None, content: str | None, received_at: datetime,
                         message: str) -> None:
    """Log a message whose turn is put off, with the message to run it from (fails on the key if logged)."""
    log_inbound_message(session, dedupe_key=dedupe_key, openid=openid, person_id=None,
                        msg_type=msg_type, event=event, content=content, received_at=received_at,
                        reply_xml=message, reply_mode=HELD)


def settle_held_message(session: Session, *, dedupe_key: str, person_id: int | None,
                        reply_xml: str, reply_mode: str) -> bool:
    """Record the reply a held message got; False when another run settled it first.

    On PostgreSQL a second run blocks on the row until the first commits, then
    finds it settled; the caller rolls back whatever that run did. The turn's own
    changes are flushed first.
    """
    session.flush()
    stmt = (update(InboundMessage)
            .where(InboundMessage.dedupe_key == dedupe_key, InboundMessage.reply_mode == HELD)
            .values(person_id=person_id, reply_xml=reply_xml, reply_mode=reply_mode)
            .execution_options(synchronize_session=False))
    return session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]


@dataclass(frozen=True)
class HeldMessage:
    """A message still waiting for its turn: its key, when it came, and the message as held."""

    dedupe_key: str
    received_at: datetime
    message: str


def list_held_messages(session: Session, *, received_before: datetime, received_after: datetime,
                       limit: int = 100) -> list[HeldMessage]:
    """Return messages held between two moments, oldest first."""
    stmt = (select(InboundMessage.dedupe_key, InboundMessage.received_at, InboundMessage.reply_xml)
            .where(InboundMessage.reply_mode == HELD,
                   InboundMessage.received_at < received_before,
                   InboundMessage.received_at >= received_after)
            .order_by(InboundMessage.received_at, InboundMessage.id).limit(limit))
    return [HeldMessage(key, at, held or "") for key, at, held in session.execute(stmt)]

"""The 公众号 inbound message log: what WeChat delivered and the reply it got.

A row is written under the message's unique dedupe key, the final guard
against WeChat's retries, by the turn that answered it (in the same
transaction as the turn's side effects).
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from models.bot import InboundMessage

# Built once: a plain INSERT, no unit of work (a turn's last statement).
_LOG = insert(cast(Table, InboundMessage.__table__))


def log_inbound_message(session: Session, *, dedupe_key: str, openid: str, person_id: int | None,
                        msg_type: str, event: str | None, content: str | None,
                        received_at: datetime, reply_xml: str, reply_mode: str) -> None:
    """Log an answered message under its unique key (a second copy fails on the key)."""
    session.execute(_LOG, dict(
        dedupe_key=dedupe_key, openid=openid, person_id=person_id, msg_type=msg_type,
        event=event, content=content, received_at=received_at, reply_xml=reply_xml,
        reply_mode=reply_mode,
    ))


def get_logged_reply(session: Session, *, dedupe_key: str) -> str | None:
    """Return the reply a logged message got ("" when none); None when not logged."""
    stmt = (select(InboundMessage.reply_xml, InboundMessage.reply_mode)
            .where(InboundMessage.dedupe_key == dedupe_key))
    row = session.execute(stmt).first()
    if row is None:
        return None
    return row.reply_xml or ""


"""The 公众号 inbound message log: one row per message WeChat delivered, deduped."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, EncryptedString, UTCDateTime


class InboundMessage(Base):
    """A message or event from WeChat; the unique dedupe key is the final guard against retries."""

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(191), unique=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    msg_type: Mapped[str] = mapped_column(String(32))
    event: Mapped[str | None] = mapped_column(String(64))
    # What the person typed or said may hold a phone number or an address.
    content: Mapped[str | None] = mapped_column(EncryptedString())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reply_xml: Mapped[str | None] = mapped_column(EncryptedString())
    # "passive", "outbox", or "pending": held before `success` until its put-off turn
    # runs (reply_xml then holds the message itself; services/messaging/inbound.py).
    reply_mode: Mapped[str] = mapped_column(String(16), default="passive")

"""Which WeChat channels may reach a person: subscribe credits and the 48-hour window."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class SubscribeCredit(Base):
    """Sends a person granted for one WeChat subscribe template (one acceptance, one send)."""

    __tablename__ = "subscribe_credits"
    __table_args__ = (
        UniqueConstraint("person_id", "template_id"),
        CheckConstraint("credits >= 0", name="credits_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    template_id: Mapped[str] = mapped_column(String(128))
    credits: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ServiceWindow(Base):
    """Customer-service messages sent since the person last wrote (WeChat caps them)."""

    __tablename__ = "service_windows"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent: Mapped[int] = mapped_column(default=0)

"""The policy knowledge base the chat answers from (政策问答), kept as rows staff edit."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, EncryptedText, Timestamped

# What the bot offers after an answer, and what "1" then starts.
POLICY_ACTIONS = ("", "apply", "meal_book", "points_query", "volunteer_register")


class PolicyEntry(Base, Timestamped):
    """One policy the bot explains: who qualifies, what to bring, where to go, and the next step.

    `keywords` (one phrase a line) pick the entry from what a person typed;
    `window` may name the person's own street or community as {街道} / {社区}.
    The texts are staff-typed free text, sealed at rest like every such column.
    """

    __tablename__ = "policy_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    topic: Mapped[str] = mapped_column(String(32), index=True)  # nlp's topic slot it answers
    title: Mapped[str] = mapped_column(String(64))
    keywords: Mapped[str] = mapped_column(EncryptedText())
    who: Mapped[str] = mapped_column(EncryptedText())
    bring: Mapped[str] = mapped_column(EncryptedText())
    window: Mapped[str] = mapped_column(EncryptedText())
    action: Mapped[str] = mapped_column(String(32), default="")
    help_category: Mapped[str | None] = mapped_column(String(32))  # for action "apply"
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))

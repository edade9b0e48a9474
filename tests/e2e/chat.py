"""Helpers for chat tests through /wechat: say several lines, read rows back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.simulator import WeChatSimulator
from core.db import session_scope


def chat(wechat: WeChatSimulator, openid: str, *lines: str) -> list[str]:
    """Send each line from `openid` in turn; return the replies' text."""
    return [wechat.say(openid, line).content for line in lines]


def rows(model: Any, *where: Any) -> list[Any]:
    """Return the committed rows of a model that match `where`."""
    with session_scope() as s:
        return list(s.scalars(select(model).where(*where)))

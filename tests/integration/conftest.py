"""What a chat turn costs in SQL statements: the demo's Wang says something, the statements are counted.

Counted on the engine, as bench/wechat_turn_cost.py counts them, through the
real /wechat pipeline with the demo data (BEGIN and SQLite's PRAGMAs left out).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event

from bot.simulator import WeChatSimulator
from core.db import get_engine, session_scope
from services.demo import load_demo_data

WANG = "demo_elder_wang"


@pytest.fixture
def wang_says(db: Any, make_app: Any, memory_kv: Any,
              frozen_clock: Any) -> Iterator[Callable[[str], tuple[str, list[str]]]]:
    """Return say(text) -> (Wang's reply, the statements that turn sent, one line each)."""
    with session_scope() as s:
        load_demo_data(s)
    app = make_app(db, memory_kv)
    wechat = WeChatSimulator(app.test_client(), app.extensions["linli.settings"])
    wechat.say(WANG, "你好")  # the first message opens the 48-hour window: a write of its own
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    def say(text: str) -> tuple[str, list[str]]:
        seen.clear()
        reply = wechat.say(WANG, text).content
        return reply, [s for s in seen if not s.upper().startswith(("BEGIN", "PRAGMA"))]

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield say
    finally:
        event.remove(engine, "before_cursor_execute", note)

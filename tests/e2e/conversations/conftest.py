"""The conversation suite's fixtures: the real app, the frozen Sunday, the demo people."""

from __future__ import annotations

import pytest

from bot.simulator import WeChatSimulator

from .talk import Chat


@pytest.fixture
def chat(app, frozen_clock, demo_people) -> Chat:  # type: ignore[no-untyped-def]
    """Talk to /wechat with signed XML at 2026-11-29 09:00 (Sunday), demo data loaded."""
    return Chat(WeChatSimulator(app.test_client(), app.extensions["linli.settings"]), demo_people)

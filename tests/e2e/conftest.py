"""The e2e chat fixture: the real app's /wechat with the demo people, on the frozen clock."""

from __future__ import annotations

import pytest

from bot.simulator import WeChatSimulator


@pytest.fixture
def wechat(app, frozen_clock, demo_people) -> WeChatSimulator:  # type: ignore[no-untyped-def]
    """Signed messages to /wechat on SQLite and the in-process store, demo data loaded."""
    return WeChatSimulator(app.test_client(), app.extensions["linli.settings"])

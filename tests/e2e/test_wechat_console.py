"""`make chat`: the terminal console talks through /wechat as a demo person."""

import io

import pytest

from bot import console
from core.config import use_settings

pytestmark = pytest.mark.e2e


def test_console_books_a_meal_as_demo_wang(sqlite_db, memory_kv, test_settings, demo_people,
                                           frozen_clock, monkeypatch, capsys):
    use_settings(test_settings.with_(database_url=sqlite_db.url))
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("订明天午饭一份送到家\n1\nexit\n"))
        assert console.main(["--as", "demo_elder_wang"]) == 0
    finally:
        use_settings(test_settings)
    out = capsys.readouterr().out
    assert "你是 demo_elder_wang" in out and "11月30日（明天） 午餐 1份 送餐上门" in out
    assert "订好了" in out

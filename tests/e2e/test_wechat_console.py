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


NEW_RESIDENT = ["登记", "1", "张桂芳", "1946年5月2日", "13912345678", "1", "阳光社区三栋二单元301",
                "1", "明天中午订一份饭 送到家", "1", "exit"]


def test_console_walks_a_new_resident_from_registration_to_a_booked_delivery(
        sqlite_db, memory_kv, test_settings, demo_people, frozen_clock, monkeypatch, capsys):
    use_settings(test_settings.with_(database_url=sqlite_db.url))
    try:
        monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(NEW_RESIDENT) + "\n"))
        assert console.main(["--as", "oConsoleNewResident01"]) == 0
    finally:
        use_settings(test_settings)
    out = capsys.readouterr().out
    assert "地址：阳光社区三栋二单元301（3号楼）" in out and "可以送餐上门" in out
    assert "订好了" in out and "送餐上门" in out


def test_console_prepares_the_database_once_then_starts_straight_away(
        sqlite_db, test_settings, frozen_clock, capsys):
    use_settings(test_settings.with_(database_url=sqlite_db.url))
    try:
        console.prepare_database()
        assert "正在准备数据库" in capsys.readouterr().out
        console.prepare_database()
        assert capsys.readouterr().out == ""
        frozen_clock.advance(days=1)  # a new day: demo menus and dates move on
        console.prepare_database()
        assert "正在准备数据库" in capsys.readouterr().out
    finally:
        use_settings(test_settings)


def test_make_chat_talks_as_the_person_named_by_as():
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    from core.config import ROOT

    dry = subprocess.run(["make", "-n", "chat", "AS=demo_family_wang"],  # noqa: S603, S607
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "-m bot.console --as demo_family_wang" in dry
    assert "demo-data" not in dry and "migrate" not in dry

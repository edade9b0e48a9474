"""Demo-only tools refuse production: demo data, the demo accounts, the fake WeChat, the chat console."""

import pytest
from sqlalchemy import func, select

from app import create_app
from core.config import use_settings
from core.db import session_scope
from core.kv import MemoryKV
from models.console import StaffAccount
from models.person import Person
from services.access.staff_accounts import DEMO_REFUSED, check_staff_login, create_staff_account

pytestmark = pytest.mark.integration


@pytest.fixture
def in_production(test_settings):
    """Run the test under production settings (the app's and the process's), then go back."""
    def switch(database_url: str):
        return use_settings(test_settings.with_(mode="production", database_url=database_url))

    yield switch
    use_settings(test_settings)


def people() -> int:
    with session_scope() as s:
        return s.scalar(select(func.count()).select_from(Person))


def test_demo_data_refuses_production_with_a_clear_message(db, memory_kv, test_settings,
                                                           in_production):
    app = create_app(in_production(db.url), kv=memory_kv)
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "正式环境" in result.output and "演示数据" in result.output
    assert people() == 0


def test_demo_data_still_loads_outside_production_for_make_run(make_app, db, memory_kv):
    result = make_app(db, memory_kv).test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0 and "console_accounts: 4" in result.output
    assert people() > 0


def test_a_demo_accounts_published_password_never_signs_in_to_production(db, demo_people,
                                                                           in_production):
    with session_scope() as s:
        assert check_staff_login(s, kv=MemoryKV(), username="liu", password="linli-liu-2026",
                                 address="127.0.0.1").person_id
    in_production(db.url)
    with session_scope() as s:
        outcome = check_staff_login(s, kv=MemoryKV(), username=" LIU ", password="linli-liu-2026",
                                    address="127.0.0.1")
        assert outcome.person_id is None and outcome.message == DEMO_REFUSED


def test_a_real_account_signs_in_to_production(db, demo_people, in_production):
    with session_scope() as s:
        s.execute(StaffAccount.__table__.delete())
        create_staff_account(s, person_id=demo_people["demo_staff_liu"], username="liu",
                             password="a-password-of-her-own")
    in_production(db.url)
    with session_scope() as s:
        outcome = check_staff_login(s, kv=MemoryKV(), username="liu",
                                    password="a-password-of-her-own", address="127.0.0.1")
        assert outcome.person_id == demo_people["demo_staff_liu"]


def test_the_fake_wechat_api_refuses_to_start_in_production(monkeypatch, capsys):
    from core.wechat import fake_server

    monkeypatch.setenv("LINLI_ENV", "production")
    served = []
    monkeypatch.setattr(fake_server.FakeServer, "serve_forever", lambda self: served.append(1))
    assert fake_server.main(["--port", "0"]) == 2
    assert "正式环境" in capsys.readouterr().err and served == []
    monkeypatch.setenv("LINLI_ENV", "demo")
    assert fake_server.main(["--port", "0"]) == 0 and served == [1]


def test_the_terminal_chat_as_a_demo_person_refuses_production(sqlite_db, in_production, capsys):
    from bot import console

    in_production(sqlite_db.url)
    assert console.main([]) == 2
    assert "正式环境" in capsys.readouterr().err


def test_a_misconfigured_production_server_stops_with_the_settings_name_not_a_traceback():
    import os
    import subprocess
    import sys
    from pathlib import Path

    from tests.unit.test_config import production

    env = {**os.environ, **production(WECHAT_API_BASE_URL="http://127.0.0.1:8900")}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], env=env, capture_output=True,
                            text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 3  # gunicorn's "worker failed to boot": it stops, never respawns
    assert "WECHAT_API_BASE_URL" in result.stderr and "Traceback" not in result.stderr

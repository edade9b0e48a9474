from pathlib import Path

import pytest

from core import clock
from core.config import ConfigError, load_settings, use_settings

NO_DOTENV = Path("/nonexistent")


def test_demo_mode_fills_safe_defaults_and_sqlite_under_var():
    settings = load_settings(environ={}, dotenv=NO_DOTENV)
    assert settings.mode == "demo"
    assert settings.database_url.startswith("sqlite:///") and "/var/" in settings.database_url
    assert settings.redis_url == ""
    assert settings.wechat_token and settings.data_encryption_key
    assert settings.timezone == "Asia/Shanghai"


def test_production_without_a_secret_refuses_naming_it():
    env = {"LINLI_ENV": "production", "DATABASE_URL": "postgresql://x/y", "WECHAT_TOKEN": "t",
           "WECHAT_APPID": "a", "WECHAT_SECRET": "s", "MINIPROGRAM_APPID": "m",
           "MINIPROGRAM_SECRET": "ms", "SECRET_KEY": "k"}
    with pytest.raises(ConfigError, match="DATA_ENCRYPTION_KEY"):
        load_settings(environ=env, dotenv=NO_DOTENV)
    env["DATA_ENCRYPTION_KEY"] = "a-real-key-from-the-vault"
    assert load_settings(environ=env, dotenv=NO_DOTENV).is_production


def test_dotenv_is_read_and_environment_wins(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text("REDIS_URL=redis://from-dotenv\nWECHAT_TOKEN='abc'\n# comment\n")
    settings = load_settings(environ={"WECHAT_TOKEN": "env-wins"}, dotenv=dotenv)
    assert settings.redis_url == "redis://from-dotenv"
    assert settings.wechat_token == "env-wins"


def test_boolean_settings_parse():
    settings = load_settings(environ={"WECHAT_REQUIRE_ENCRYPTION": "true"}, dotenv=NO_DOTENV)
    assert settings.wechat_require_encryption is True


def test_unknown_mode_is_refused():
    with pytest.raises(ConfigError):
        load_settings(environ={"LINLI_ENV": "staging"}, dotenv=NO_DOTENV)


def test_clock_start_moves_a_test_process_clock_and_nothing_else():
    for mode in ("demo", "production"):
        with pytest.raises(ConfigError, match="CLOCK_START"):
            load_settings(environ={"LINLI_ENV": mode, "CLOCK_START": "2027-02-16T10:00:00+08:00"},
                          dotenv=NO_DOTENV)
    with pytest.raises(ConfigError, match="CLOCK_START"):
        load_settings(environ={"LINLI_ENV": "test", "CLOCK_START": "2027-02-16 10:00"}, dotenv=NO_DOTENV)
    settings = load_settings(environ={"LINLI_ENV": "test", "CLOCK_START": "2027-02-16T10:00:00+08:00"},
                             dotenv=NO_DOTENV)
    with clock.frozen(clock.now()):  # whatever use_settings installs is undone with this block
        use_settings(settings)
        assert clock.today().isoformat() == "2027-02-16"
        first = clock.now()
        assert clock.now() >= first  # it runs on
    use_settings(load_settings(environ={"LINLI_ENV": "test"}, dotenv=NO_DOTENV))


def test_database_fault_settings_are_numbers_above_zero():
    settings = load_settings(environ={"DB_STATEMENT_TIMEOUT_MS": "3000", "DB_POOL_TIMEOUT": "0.5"},
                             dotenv=NO_DOTENV)
    assert settings.db_statement_timeout_ms == 3000 and settings.db_pool_timeout == 0.5
    assert load_settings(environ={}, dotenv=NO_DOTENV).db_connect_timeout == 2
    for bad in ("abc", "0", "-1"):
        with pytest.raises(ConfigError, match="DB_CONNECT_TIMEOUT"):
            load_settings(environ={"DB_CONNECT_TIMEOUT": bad}, dotenv=NO_DOTENV)

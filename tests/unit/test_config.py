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


# A production environment that passes every check; each test below breaks one thing.
PRODUCTION = {
    "LINLI_ENV": "production",
    "DATABASE_URL": "postgresql://linli@db.internal/linli",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "WECHAT_TOKEN": "Q7rLm2Xc9TzKp4Vw",
    "WECHAT_AES_KEY": "kW3mZx8Q2rTn5Yb7Lc4Vd9Hs6Jf1Pg0Ae2Uo8Iy3Rt5",
    "WECHAT_APPID": "wx5f3a9c2e7b1d4086",
    "WECHAT_SECRET": "3e9c1a7f5b2d8046c1e3a5f7b9d0c2e4",
    "MINIPROGRAM_APPID": "wx9d2b6f1c3e8a7450",
    "MINIPROGRAM_SECRET": "a1c3e5f7b9d0c2e43e9c1a7f5b2d8046",
    "WECHAT_API_BASE_URL": "https://api.weixin.qq.com",
    "SECRET_KEY": "o8Jm3qR7vK2xN5pW9tY1zB4cF6hL0dSg",
    "DATA_ENCRYPTION_KEY": "mQ1pS9vX3rT7wZ2cN5bK8hJ4fD6gL0aYeU3iO7yR1tE=",
}


def production(**changes: str | None) -> dict[str, str]:
    env = dict(PRODUCTION)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def test_a_complete_production_environment_starts_in_safe_mode():
    settings = load_settings(environ=production(), dotenv=NO_DOTENV)
    assert settings.is_production and settings.refuses_plaintext
    assert settings.wechat_api_base_url == "https://api.weixin.qq.com"


@pytest.mark.parametrize("name", ["WECHAT_TOKEN", "WECHAT_APPID", "WECHAT_SECRET",
                                  "MINIPROGRAM_APPID", "MINIPROGRAM_SECRET", "SECRET_KEY",
                                  "DATA_ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL",
                                  "WECHAT_API_BASE_URL", "WECHAT_AES_KEY"])
def test_production_without_a_secret_or_url_refuses_naming_it(name):
    with pytest.raises(ConfigError, match=name):
        load_settings(environ=production(**{name: None}), dotenv=NO_DOTENV)


def test_production_never_falls_back_to_the_local_fake_wechat():
    for url in ("http://127.0.0.1:8900", "http://api.weixin.qq.com", "https://127.0.0.1:8900",
                "https://localhost/", "https://10.0.0.8", "https://[::1]:8900", "api.weixin.qq.com",
                "https://user:pw@api.weixin.qq.com"):
        with pytest.raises(ConfigError, match="WECHAT_API_BASE_URL"):
            load_settings(environ=production(WECHAT_API_BASE_URL=url), dotenv=NO_DOTENV)


def test_demo_and_test_modes_still_use_the_local_fake_wechat():
    assert load_settings(environ={}, dotenv=NO_DOTENV).wechat_api_base_url == "http://127.0.0.1:8900"


@pytest.mark.parametrize("key", ["short", "a-real-key-from-the-vault", "a" * 44, "0" * 64,
                                 "not base64 at all, though it is long enough!!"])
def test_a_weak_data_encryption_key_is_refused(key):
    with pytest.raises(ConfigError, match="DATA_ENCRYPTION_KEY"):
        load_settings(environ=production(DATA_ENCRYPTION_KEY=key), dotenv=NO_DOTENV)


def test_data_encryption_keys_made_as_the_readme_says_are_accepted():
    import base64
    import secrets

    for key in (base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
                base64.b64encode(secrets.token_bytes(48)).decode(), secrets.token_hex(32)):
        assert load_settings(environ=production(DATA_ENCRYPTION_KEY=key), dotenv=NO_DOTENV)


@pytest.mark.parametrize("aes_key", ["too-short", "kW3mZx8Q2rTn5Yb7Lc4Vd9Hs6Jf1Pg0Ae2Uo8Iy3Rt5X",
                                     "kW3mZx8Q2rTn5Yb7Lc4Vd9Hs6Jf1Pg0Ae2Uo8Iy3R-5"])
def test_a_malformed_aes_key_is_refused(aes_key):
    with pytest.raises(ConfigError, match="WECHAT_AES_KEY"):
        load_settings(environ=production(WECHAT_AES_KEY=aes_key), dotenv=NO_DOTENV)


def test_plaintext_in_production_needs_the_named_waiver():
    waived = load_settings(environ=production(WECHAT_AES_KEY=None, WECHAT_ALLOW_PLAINTEXT="true"),
                           dotenv=NO_DOTENV)
    assert waived.is_production and not waived.refuses_plaintext
    with pytest.raises(ConfigError, match="WECHAT_ALLOW_PLAINTEXT"):
        load_settings(environ=production(WECHAT_REQUIRE_ENCRYPTION="true",
                                         WECHAT_ALLOW_PLAINTEXT="true"), dotenv=NO_DOTENV)
    assert not load_settings(environ={}, dotenv=NO_DOTENV).refuses_plaintext  # make run


@pytest.mark.parametrize(("name", "value"), [
    ("SECRET_KEY", "short-secret"), ("SECRET_KEY", "x" * 40),
    ("WECHAT_TOKEN", "has spaces in it"), ("WECHAT_TOKEN", "t"),
    ("WECHAT_APPID", "a"), ("MINIPROGRAM_APPID", "wx_demo_miniprogram"),
    ("WECHAT_SECRET", "s"), ("MINIPROGRAM_SECRET", "ms"),
    ("DATABASE_URL", "sqlite:///var/linli.db"), ("REDIS_URL", "memory://"),
])
def test_each_production_value_is_checked_for_its_form(name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings(environ=production(**{name: value}), dotenv=NO_DOTENV)


def test_demo_values_are_refused_in_production():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_settings(environ=production(SECRET_KEY="demo-secret-key-not-for-production"),
                      dotenv=NO_DOTENV)


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

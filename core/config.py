"""Typed settings read from the environment and an optional `.env` file."""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
MODES = ("demo", "production", "test")
FAKE_WECHAT_URL = "http://127.0.0.1:8900"  # core/wechat/fake_server.py; never in production
logger = logging.getLogger(__name__)

# Safe, obviously-not-secret values used only in demo and test modes.
_DEMO_VALUES = {
    "wechat_token": "linli-demo-token",
    "wechat_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    "wechat_appid": "wx_demo_official_account",
    "wechat_secret": "demo-official-account-secret",
    "miniprogram_appid": "wx_demo_miniprogram",
    "miniprogram_secret": "demo-miniprogram-secret",
    "secret_key": "demo-secret-key-not-for-production",
    "data_encryption_key": base64.urlsafe_b64encode(
        hashlib.sha256(b"linli-demo-data-key").digest()
    ).decode(),
}
# Needed in production; a missing one stops start-up with its name.
REQUIRED_IN_PRODUCTION = (
    "wechat_token",
    "wechat_appid",
    "wechat_secret",
    "miniprogram_appid",
    "miniprogram_secret",
    "secret_key",
    "data_encryption_key",
    "database_url",
    "redis_url",
    "wechat_api_base_url",
)


class ConfigError(RuntimeError):
    """Raised when the settings cannot run Linli safely."""


@dataclass(frozen=True)
class Settings:
    """Everything Linli reads from its environment."""

    mode: str = "demo"
    database_url: str = ""
    redis_url: str = ""
    wechat_token: str = ""
    wechat_aes_key: str = ""
    wechat_appid: str = ""
    wechat_secret: str = ""
    wechat_require_encryption: bool = False
    # Production refuses plaintext /wechat POSTs unless this names the waiver (README).
    wechat_allow_plaintext: bool = False
    miniprogram_appid: str = ""
    miniprogram_secret: str = ""
    wechat_api_base_url: str = ""
    secret_key: str = ""
    data_encryption_key: str = ""
    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    kv_prefix: str = "linli:"
    # PostgreSQL faults (docs/operations.md, "When the database fails"): a refused or silent
    # server costs a request at most about 2.5 s, so the API answers 503 inside 3 s and a chat
    # turn answers inside WeChat's 5 s.
    db_connect_timeout: int = 2  # seconds per connection attempt (libpq's minimum is 2)
    db_statement_timeout_ms: int = 2000  # server-side; the client gives up 500 ms later
    db_idle_in_transaction_timeout_ms: int = 30000  # a worker stuck mid-transaction frees its locks
    db_pool_timeout: float = 5.0  # seconds to wait for a pooled connection (the web never does: see docs)
    db_keepalives_idle: int = 10  # seconds of silence before TCP keepalive probes
    # Test mode only: the process's clock starts here (ISO 8601 with offset) and runs on, so
    # a server or scheduler a test starts shares the test's calendar, not the machine's.
    clock_start: str = ""
    # Retention overrides, "rule=days,rule=days" (services/rights/retention.py; never below a floor).
    retention_days: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.mode == "production"

    @property
    def refuses_plaintext(self) -> bool:
        """Tell whether /wechat takes only safe-mode (encrypted) messages."""
        if self.wechat_require_encryption:
            return True
        return self.is_production and not self.wechat_allow_plaintext

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def with_(self, **changes: object) -> Settings:
        """Return a copy with some fields changed (tests and CLI use this)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def _as_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _parse(name: str, kind: object, raw: str) -> object:
    if kind in ("bool", bool):
        return _as_bool(raw)
    if kind in ("int", int, "float", float):
        try:
            number = float(raw) if kind in ("float", float) else int(raw)
        except ValueError:
            raise ConfigError(f"{name.upper()} must be a number, not {raw!r}") from None
        if number <= 0:
            raise ConfigError(f"{name.upper()} must be above zero")
        return number
    return raw


def _environment(environ: Mapping[str, str] | None, dotenv: Path | None) -> dict[str, str]:
    env = dict(_read_dotenv(dotenv if dotenv is not None else ROOT / ".env"))
    env.update(os.environ if environ is None else environ)
    return env


def configured_mode(environ: Mapping[str, str] | None = None, dotenv: Path | None = None) -> str:
    """Return LINLI_ENV without checking anything else (demo-only tools ask this first)."""
    return _environment(environ, dotenv).get("LINLI_ENV", "demo").strip().lower()


def load_settings(environ: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Settings:
    """Build settings from `.env` (if any) overlaid by the process environment."""
    env = _environment(environ, dotenv)
    mode = env.get("LINLI_ENV", "demo").strip().lower()
    if mode not in MODES:
        raise ConfigError(f"LINLI_ENV 必须是 {', '.join(MODES)} 之一，现在是 {mode!r}")
    values: dict[str, object] = {"mode": mode}
    for f in fields(Settings):
        if f.name in {"mode", "extra"}:
            continue
        raw = env.get(f.name.upper())
        if raw is None or raw == "":
            continue
        values[f.name] = _parse(f.name, f.type, raw)
    if mode != "production":
        for name, demo in _DEMO_VALUES.items():
            values.setdefault(name, demo)
        values.setdefault("database_url", f"sqlite:///{ROOT / 'var' / 'linli.db'}")
        values.setdefault("wechat_api_base_url", FAKE_WECHAT_URL)
    settings = Settings(**values)  # type: ignore[arg-type]
    check_settings(settings)
    return settings


def check_settings(settings: Settings) -> None:
    """Refuse to run production without its secrets, naming the missing one."""
    if settings.clock_start and settings.mode != "test":
        raise ConfigError("CLOCK_START only works with LINLI_ENV=test")
    if settings.clock_start:
        try:
            if datetime.fromisoformat(settings.clock_start).tzinfo is None:
                raise ValueError
        except ValueError:
            raise ConfigError("CLOCK_START must be an ISO time with its offset, e.g. 2026-11-29T09:00:00+08:00") from None
    if settings.wechat_aes_key:
        _check_aes_key(settings.wechat_aes_key)
    if settings.wechat_require_encryption and settings.wechat_allow_plaintext:
        raise ConfigError("WECHAT_REQUIRE_ENCRYPTION 和 WECHAT_ALLOW_PLAINTEXT 不能同时打开")
    if settings.is_production:
        _check_production(settings)


def _check_production(settings: Settings) -> None:
    """Every secret and URL production needs: present, not a demo value, well-formed."""
    for name in REQUIRED_IN_PRODUCTION:
        if not getattr(settings, name):
            raise ConfigError(f"正式环境必须设置 {name.upper()}（在环境变量里设置）")
    if settings.refuses_plaintext and not settings.wechat_aes_key:
        raise ConfigError("正式环境必须用安全模式：请设置 WECHAT_AES_KEY（43位 EncodingAESKey）；"
                          "确需明文模式时设置 WECHAT_ALLOW_PLAINTEXT=true（见 README）")
    for name, demo in _DEMO_VALUES.items():
        if getattr(settings, name) == demo:
            raise ConfigError(f"{name.upper()} 还是演示值，请换成真正的密钥")
    for check in _PRODUCTION_CHECKS:
        check(settings)
    if settings.wechat_allow_plaintext:
        logger.warning("WECHAT_ALLOW_PLAINTEXT is set: /wechat accepts unencrypted messages")


_TOKEN = re.compile(r"[A-Za-z0-9]{3,32}")
_APPID = re.compile(r"wx[0-9a-fA-F]{16}")
_APP_SECRET = re.compile(r"[0-9a-fA-F]{32}")
_AES_KEY = re.compile(r"[A-Za-z0-9+/]{43}")
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _check_aes_key(value: str) -> None:
    if not _AES_KEY.fullmatch(value) or len(base64.b64decode(value + "=")) != 32:
        raise ConfigError("WECHAT_AES_KEY 必须是公众号后台给的43位 EncodingAESKey（字母和数字）")


def _check_wechat_credentials(settings: Settings) -> None:
    if not _TOKEN.fullmatch(settings.wechat_token):
        raise ConfigError("WECHAT_TOKEN 必须是3到32位字母或数字（与公众号后台一致）")
    for app in ("wechat", "miniprogram"):
        if not _APPID.fullmatch(getattr(settings, f"{app}_appid")):
            raise ConfigError(f"{app.upper()}_APPID 格式不对：应为 wx 加16位十六进制")
        if not _APP_SECRET.fullmatch(getattr(settings, f"{app}_secret")):
            raise ConfigError(f"{app.upper()}_SECRET 格式不对：应为32位十六进制 AppSecret")


def _check_wechat_api_url(settings: Settings) -> None:
    parts = urlsplit(settings.wechat_api_base_url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host or parts.username or parts.password:
        raise ConfigError("WECHAT_API_BASE_URL 必须是 https:// 地址，"
                          "一般是 https://api.weixin.qq.com（不能用本地假接口）")
    if host in _LOOPBACK_NAMES or _is_local_address(host):
        raise ConfigError("WECHAT_API_BASE_URL 不能指向本机或内网地址（那是假的微信接口）")


def _is_local_address(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified


def _strong_key_material(value: str, *, min_bytes: int) -> bool:
    """Tell whether a key is base64 (standard or URL-safe) of at least `min_bytes` random-looking bytes."""
    padded = value + "=" * (-len(value) % 4)
    try:
        raw = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) >= min_bytes and len(set(raw)) >= min_bytes // 2


def _check_data_key(settings: Settings) -> None:
    if not _strong_key_material(settings.data_encryption_key, min_bytes=32):
        raise ConfigError("DATA_ENCRYPTION_KEY 太弱：需要至少32字节随机数的 base64，例如 "
                          "python -c \"import base64,secrets;"
                          "print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())\"")


def _check_secret_key(settings: Settings) -> None:
    if len(settings.secret_key) < 32 or len(set(settings.secret_key)) < 10:
        raise ConfigError("SECRET_KEY 太弱：至少32个字符的随机串，例如 "
                          "python -c \"import secrets;print(secrets.token_urlsafe(32))\"")


def _check_stores(settings: Settings) -> None:
    if urlsplit(settings.database_url).scheme not in {"postgres", "postgresql", "postgresql+psycopg"}:
        raise ConfigError("正式环境的 DATABASE_URL 必须是 postgresql://…")
    if urlsplit(settings.redis_url).scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError("正式环境的 REDIS_URL 必须是 redis://、rediss:// 或 unix://…")


_PRODUCTION_CHECKS = (_check_wechat_credentials, _check_wechat_api_url, _check_data_key,
                      _check_secret_key, _check_stores)


def refuse_in_production(what: str, settings: Settings | None = None) -> None:
    """Stop a demo-only tool (demo data, the fake WeChat API, the chat console) in production."""
    mode = settings.mode if settings is not None else configured_mode()
    if mode == "production":
        raise ConfigError(f"{what}只用于演示和测试，正式环境（LINLI_ENV=production）不能运行。")


_current: Settings | None = None


def get_settings() -> Settings:
    """Return the process-wide settings, loading them on first use."""
    global _current
    if _current is None:
        use_settings(load_settings())
    assert _current is not None
    return _current


def use_settings(settings: Settings) -> Settings:
    """Install settings for this process (app factory, CLI and tests)."""
    global _current
    _current = settings
    if settings.clock_start:
        from core import clock

        clock.start_at(datetime.fromisoformat(settings.clock_start))
    return settings

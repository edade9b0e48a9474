"""Typed settings read from the environment and an optional `.env` file."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODES = ("demo", "production", "test")

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
    miniprogram_appid: str = ""
    miniprogram_secret: str = ""
    wechat_api_base_url: str = "http://127.0.0.1:8900"
    secret_key: str = ""
    data_encryption_key: str = ""
    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    kv_prefix: str = "linli:"
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


def load_settings(environ: Mapping[str, str] | None = None, dotenv: Path | None = None) -> Settings:
    """Build settings from `.env` (if any) overlaid by the process environment."""
    env = dict(_read_dotenv(dotenv if dotenv is not None else ROOT / ".env"))
    env.update(os.environ if environ is None else environ)
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
        values[f.name] = _as_bool(raw) if f.type in ("bool", bool) else raw
    if mode != "production":
        for name, demo in _DEMO_VALUES.items():
            values.setdefault(name, demo)
        values.setdefault("database_url", f"sqlite:///{ROOT / 'var' / 'linli.db'}")
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
    if not settings.is_production:
        return
    for name in REQUIRED_IN_PRODUCTION:
        if not getattr(settings, name):
            raise ConfigError(f"production mode needs {name.upper()}; set it in the environment")
    for name, demo in _DEMO_VALUES.items():
        if getattr(settings, name) == demo:
            raise ConfigError(f"{name.upper()} still holds the demo value; set a real secret")


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

from datetime import UTC, datetime

import pytest

from core import clock
from core.errors import NotFound, RateLimited, ValidationFailed


def test_frozen_clock_controls_now_and_today():
    at = datetime(2026, 11, 29, 16, 30, tzinfo=UTC)  # 00:30 next day in Shanghai
    with clock.frozen(at) as frozen:
        assert clock.now() == at
        assert clock.today().isoformat() == "2026-11-30"
        frozen.advance(hours=1)
        assert clock.now().hour == 17
    assert clock.now() != at


def test_frozen_clock_refuses_naive_time():
    with pytest.raises(ValueError):
        clock.FrozenClock(datetime(2026, 1, 1))  # noqa: DTZ001


def test_errors_carry_code_status_and_chinese_message():
    err = ValidationFailed(fields={"count": "必填"})
    assert err.status == 400 and err.code == "VALIDATION_ERROR"
    assert err.to_dict() == {"code": "VALIDATION_ERROR", "message": err.message, "fields": {"count": "必填"}}
    assert NotFound().status == 404
    assert RateLimited(retry_after=30).retry_after == 30

"""The one injectable clock: every read of the time goes through `now()`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")

_source: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def now() -> datetime:
    """Return the current time, timezone-aware (UTC)."""
    return _source()


def local_now() -> datetime:
    """Return the current time in Asia/Shanghai (display and "today")."""
    return now().astimezone(LOCAL_TZ)


def today() -> date:
    """Return today's date in Asia/Shanghai."""
    return local_now().date()


def local_datetime(day: date, hour: int, minute: int = 0) -> datetime:
    """Return an aware datetime for a local wall-clock time on a date."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


def as_aware(value: datetime) -> datetime:
    """Treat a naive datetime (SQLite hands these back) as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class FrozenClock:
    """A clock for tests: stands still until moved."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("a frozen clock needs an aware datetime")
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at = self.at + timedelta(**delta)
        return self.at

    def set(self, at: datetime) -> None:
        self.at = at


class ShiftedClock:
    """A clock that started at a chosen moment and runs at real speed from there."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("a shifted clock needs an aware datetime")
        self.offset = start - datetime.now(UTC)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def start_at(moment: datetime) -> None:
    """Make this process's clock start at `moment` and run on (test processes only)."""
    global _source
    _source = ShiftedClock(moment)


@contextmanager
def frozen(at: datetime) -> Iterator[FrozenClock]:
    """Freeze `now()` at `at` for the duration of the block."""
    global _source
    clock = FrozenClock(at)
    previous = _source
    _source = clock
    try:
        yield clock
    finally:
        _source = previous

"""Shared fixtures: settings, a frozen clock, databases, the shared store, the app.

- `db` runs a test on SQLite and, when reachable, on PostgreSQL (each run
  has its own database, migrated to head once; every test starts empty).
- `sqlite_db` / `pg_db` pin one backend.
- `kv` runs a test on the in-process store and on Redis; `memory_kv` pins one.
- `app` / `client` serve the real Flask app on SQLite and the in-process store;
  `make_app(db, kv)` builds one on any pair.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.orm import Session

from core import clock
from core.config import Settings, load_settings, use_settings
from core.db import (
    configure_database,
    create_db_engine,
    dispose_database,
    new_session,
    session_scope,
)
from core.kv import KV, MemoryKV, RedisKV, use_kv
from core.migrate import upgrade_to_head
from tests import services

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_NOW = datetime(2026, 11, 29, 9, 0, tzinfo=SHANGHAI)


@dataclass
class Database:
    """A test database: its URL, backend name, and the demo people when it starts with them."""

    url: str
    backend: str
    demo_people: dict[str, int] | None = None

    def scope(self) -> Session:  # pragma: no cover - convenience for tests
        return session_scope()  # type: ignore[return-value]


@pytest.fixture(scope="session", autouse=True)
def test_settings() -> Settings:
    settings = load_settings(environ={"LINLI_ENV": "test"}, dotenv=Path("/nonexistent"))
    return use_settings(settings)


# ---------------------------------------------------------------- databases


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    dispose_database(url)
    return path


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str | None]:
    if not services.pg_available():
        if services.required():
            pytest.fail(f"PostgreSQL is required but not reachable at {services.pg_server_url()}")
        yield None
        return
    name = f"linli_test_{services.RUN_ID}"
    url = services.create_pg_database(name)
    upgrade_to_head(url)
    yield url
    dispose_database(url)
    services.drop_pg_database(name)


@pytest.fixture(scope="session")
def sqlite_demo_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory,
                         _run_clock: clock.FrozenClock) -> tuple[Path, dict[str, int]]:
    """A migrated SQLite file with the demo data loaded at DEFAULT_NOW, and openid → id."""
    from services.demo import load_demo_data

    path = tmp_path_factory.mktemp("sqlite-demo") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    configure_database(url)
    with clock.frozen(DEFAULT_NOW), session_scope() as s:
        load_demo_data(s)
        people = _people_by_openid(s)
    dispose_database(url)
    return path, people


def _wants_demo(request: pytest.FixtureRequest) -> bool:
    return "demo_people" in request.fixturenames


def _sqlite(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    # A test that asks for demo_people starts from a copy of the demo template: loading the
    # demo costs a second a test, copying a file a millisecond.
    template, people = (request.getfixturevalue("sqlite_demo_template") if _wants_demo(request)
                        else (sqlite_template, None))
    path = tmp_path / f"linli-{uuid.uuid4().hex[:8]}.db"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    configure_database(url)
    yield Database(url=url, backend="sqlite", demo_people=dict(people) if people else None)
    dispose_database(url)


def _truncate_all(url: str) -> None:
    import models

    configure_database(url)
    tables = ", ".join(f'"{t.name}"' for t in models.Base.metadata.sorted_tables)
    # Unbounded, like a migration: on a loaded CI machine a TRUNCATE of every table may
    # outlast the 2 s statement timeout, and a test that leaves rows spoils the next one.
    engine = create_db_engine(url, bounded=False)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


def _postgres(pg_url: str | None) -> Iterator[Database]:
    if pg_url is None:
        pytest.skip("PostgreSQL not reachable (set REQUIRE_SERVICES=1 to fail instead)")
    configure_database(pg_url)
    try:
        yield Database(url=pg_url, backend="postgresql")
    finally:
        _truncate_all(pg_url)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        yield from _sqlite(request, sqlite_template, tmp_path)
    else:
        yield from _postgres(request.getfixturevalue("pg_url"))


@pytest.fixture
def sqlite_db(request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    yield from _sqlite(request, sqlite_template, tmp_path)


@pytest.fixture
def pg_db(pg_url: str | None) -> Iterator[Database]:
    yield from _postgres(pg_url)


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    """A session on `db`; the test commits what it wants kept."""
    s = new_session()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


# ---------------------------------------------------------------- shared store


@pytest.fixture
def memory_kv() -> Iterator[MemoryKV]:
    store = MemoryKV()
    use_kv(store)
    yield store
    store.clear()


@pytest.fixture
def redis_kv() -> Iterator[RedisKV]:
    if not services.redis_available():
        if services.required():
            pytest.fail(f"Redis is required but not reachable at {services.redis_url()}")
        pytest.skip("Redis not reachable (set REQUIRE_SERVICES=1 to fail instead)")
    store = RedisKV(services.redis_url(), prefix=f"linli-test:{uuid.uuid4().hex[:10]}:")
    use_kv(store)
    yield store
    store.clear()


@pytest.fixture(params=["memory", "redis"])
def kv(request: pytest.FixtureRequest) -> KV:
    return request.getfixturevalue("memory_kv" if request.param == "memory" else "redis_kv")  # type: ignore[no-any-return]


# ---------------------------------------------------------------- clock


# No test reads the machine's calendar. The clock is frozen for the whole run before any
# session fixture runs, and set back to DEFAULT_NOW before each test's own fixtures: autouse
# fixtures are set up before the others of their scope, so demo data, factories and tokens are
# dated from DEFAULT_NOW whatever order a test names its fixtures in. A process a test starts
# (gunicorn, the scheduler) gets the same calendar through the CLOCK_START setting.


def pytest_configure(config: pytest.Config) -> None:
    """Move the machine's clock for this process when LINLI_TEST_CALENDAR names a moment.

    The calendar check (`.ci/run`): every real-time read (`datetime.now()`, `date.today()`,
    `time.time()`) starts at that moment and runs on, so a test that leans on the machine's
    date fails there. time-machine rather than libfaketime: the latter breaks Python's timed
    thread waits (docs/decisions.md).
    """
    moment = os.environ.get("LINLI_TEST_CALENDAR")
    if moment:
        import time_machine

        travel = time_machine.travel(datetime.fromisoformat(moment), tick=True)
        travel.start()
        config.add_cleanup(travel.stop)


@pytest.fixture(scope="session", autouse=True)
def _run_clock() -> Iterator[clock.FrozenClock]:
    with clock.frozen(DEFAULT_NOW) as frozen:
        yield frozen


@pytest.fixture(autouse=True)
def frozen_clock(_run_clock: clock.FrozenClock) -> Iterator[clock.FrozenClock]:
    """The clock every test starts on: 2026-11-29 09:00 Asia/Shanghai (a Sunday); move it freely."""
    _run_clock.set(DEFAULT_NOW)
    yield _run_clock
    _run_clock.set(DEFAULT_NOW)  # module fixtures set up between tests see the same moment


# ---------------------------------------------------------------- WeChat


@pytest.fixture
def fake_wechat() -> Iterator[Any]:
    """The fake api.weixin.qq.com on a free loopback port, stopped after the test."""
    from core.wechat.fake_server import serve_fake_wechat

    with serve_fake_wechat() as server:
        yield server


# ---------------------------------------------------------------- the app


@pytest.fixture
def make_app(test_settings: Settings) -> Callable[[Database, KV], Flask]:
    def build(database: Database, store: KV) -> Flask:
        from app import create_app

        app = create_app(test_settings.with_(database_url=database.url), kv=store)
        app.config["TESTING"] = True
        return app

    return build


@pytest.fixture
def app(make_app: Callable[[Database, KV], Flask], sqlite_db: Database, memory_kv: MemoryKV) -> Flask:
    return make_app(sqlite_db, memory_kv)


@pytest.fixture
def client(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def demo_people(request: pytest.FixtureRequest) -> dict[str, int]:
    """Give whichever database the test uses the demo data; return openid → id.

    A SQLite database asked for beside this fixture starts as a copy of the demo template;
    any other gets the demo loaded now (at DEFAULT_NOW, like the template).
    """
    from services.demo import load_demo_data

    for name in ("sqlite_db", "db", "pg_db"):
        if name in request.fixturenames:
            database = request.getfixturevalue(name)
            if database.demo_people is not None:
                return database.demo_people
    with session_scope() as s:
        load_demo_data(s)
        return _people_by_openid(s)


def _people_by_openid(s: Session) -> dict[str, int]:
    from sqlalchemy import select

    from models.person import Person

    return {p.oa_openid: p.id for p in s.scalars(select(Person)) if p.oa_openid}


@pytest.fixture
def token_for() -> Callable[[int], str]:
    """Issue a committed API token for a person id."""
    from models.person import Person
    from services.access.tokens import issue_token

    def issue(person_id: int) -> str:
        with session_scope() as s:
            person = s.get(Person, person_id)
            assert person is not None
            return issue_token(s, person=person)

    return issue

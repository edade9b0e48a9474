"""One engine and session factory for web, bot, CLI and jobs.

The front door owns the transaction: `with session_scope() as s:` is one
unit of work (commit on success, rollback on error); services only flush.
SQLite runs in WAL mode with a busy timeout and foreign keys, and starts
every write transaction with BEGIN IMMEDIATE so two writers queue instead
of failing half-way. PostgreSQL goes through psycopg 3; a pooled connection
that sat idle for more than PING_AFTER_IDLE seconds is pinged before use
(a busy connection is not: that round trip would cost every request).
Every wait on PostgreSQL is bounded (core/pgconn.py and the DB_* settings),
so a database that refuses or stops answering costs a request seconds, not
the length of the outage.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15000
PING_AFTER_IDLE = 5.0
# A live server answers a ping in milliseconds; a silent one costs this, then a connect attempt.
PING_TIMEOUT = 0.5
# /healthz waits this long for the database's answer, whatever the database does.
HEALTH_WAIT = 1.5
_IDLE_SINCE = "linli.idle_since"
READONLY = "linli_readonly"

WROTE = "linli.wrote"

_engines: dict[str, Engine] = {}
_current_url: str | None = None
_factory: sessionmaker[Session] | None = None


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver the URL names."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _prepare_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        readonly = conn.get_execution_options().get(READONLY, False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def create_db_engine(url: str, *, bounded: bool = True) -> Engine:
    """Build an engine with Linli's settings for SQLite or PostgreSQL.

    `bounded=False` (migrations) keeps the connect timeout and keepalives but
    lets statements run as long as they need.
    """
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 15}, pool_pre_ping=True
        )
        _prepare_sqlite(engine)
        return engine
    from core.config import get_settings
    from core.pgconn import CLIENT_GRACE, connect, connect_args

    settings = get_settings()
    statement_ms = settings.db_statement_timeout_ms if bounded else 0
    args = connect_args(connect_timeout=settings.db_connect_timeout,
                        statement_timeout_ms=statement_ms,
                        idle_in_transaction_timeout_ms=settings.db_idle_in_transaction_timeout_ms,
                        keepalives_idle=settings.db_keepalives_idle)
    if parsed.query.get("options"):  # the URL's own server options come first
        args["options"] = f"{parsed.query['options']} {args['options']}"
    engine = create_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800,
                           pool_timeout=settings.db_pool_timeout, connect_args=args)
    reply_timeout = statement_ms / 1000 + CLIENT_GRACE if bounded else None

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        return connect(reply_timeout, *cargs, **cparams)

    _ping_after_idle(engine)
    return engine


def _ping_after_idle(engine: Engine) -> None:
    """Ping a pooled connection before use only when it sat idle a while.

    A connection that failed anyway (the server restarted under load) raises
    on first use; SQLAlchemy then drops the whole pool, so each process sees
    that once (the web answers 503, the bot asks the person to send again).
    """

    @event.listens_for(engine, "checkin")
    def _note_idle(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return
        usual = getattr(dbapi_connection, "reply_timeout", None)
        try:
            dbapi_connection.reply_timeout = PING_TIMEOUT
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool retries with a fresh connection
            raise DisconnectionError("idle connection is gone") from exc
        finally:
            dbapi_connection.reply_timeout = usual


def configure_database(url: str) -> Engine:
    """Point the process-wide session factory at a database (cached per URL)."""
    global _current_url, _factory
    url = normalise_url(url)
    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = create_db_engine(url)
    _current_url = url
    _factory = sessionmaker(bind=engine, expire_on_commit=False)
    return engine


def dispose_database(url: str) -> None:
    """Close and forget the engine for a URL (tests drop databases after this)."""
    global _current_url, _factory
    url = normalise_url(url)
    engine = _engines.pop(url, None)
    if engine is not None:
        engine.dispose()
    if _current_url == url:
        _current_url, _factory = None, None


def get_engine() -> Engine:
    """Return the engine in use, configuring it from settings on first use."""
    if _current_url is None:
        from core.config import get_settings

        configure_database(get_settings().database_url)
    assert _current_url is not None
    return _engines[_current_url]


def new_session(*, readonly: bool = False) -> Session:
    """Open a session; the caller commits or rolls back."""
    engine = get_engine()
    if readonly:
        return Session(bind=engine.execution_options(**{READONLY: True}), expire_on_commit=False)
    assert _factory is not None
    return _factory()


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: Any) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[WROTE] = True


def session_wrote(session: Session) -> bool:
    """True when the session flushed or executed a write, or holds changes not yet flushed."""
    return bool(session.info.get(WROTE) or session.new or session.dirty or session.deleted)


@contextmanager
def session_scope(*, readonly: bool = False) -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back when it raises."""
    session = new_session(readonly=readonly)
    try:
        yield session
        if readonly:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _select_one() -> str:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # health checks report, never raise
        logger.warning("database check failed: %s", type(exc).__name__)
        return "error"


@cache
def _health_executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-health")


_health_lock = threading.Lock()
_health_check: Future[str] | None = None


def check_database(*, wait: float = HEALTH_WAIT) -> str:
    """Return "ok" when the database answers a trivial query within `wait` seconds.

    One check runs at a time and callers arriving meanwhile share it, so a
    hung database holds one thread, not one per health probe.
    """
    global _health_check
    with _health_lock:
        if _health_check is None or _health_check.done():
            _health_check = _health_executor().submit(_select_one)
        check = _health_check
    try:
        return check.result(timeout=wait)
    except FutureTimeout:
        logger.warning("database check got no answer within %.1f s", wait)
        return "error"


def is_unavailable(error: BaseException) -> bool:
    """Tell whether an error means the database is down or too slow, not a bug (answer 503)."""
    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False
    if isinstance(error.orig, sqlite3.OperationalError):
        return "locked" in str(error.orig)  # busy past busy_timeout; "no such table" is a bug
    # psycopg: no SQLSTATE for connection failures and timeouts; 08 connection, 53 resources,
    # 57 operator intervention (statement timeout, shutdown).
    sqlstate = getattr(error.orig, "sqlstate", None)
    return sqlstate is None or sqlstate[:2] in {"08", "53", "57"}


def is_postgres(session: Session) -> bool:
    """Tell whether a session talks to PostgreSQL (for SKIP LOCKED and friends)."""
    bind = session.get_bind()
    return bind.dialect.name == "postgresql"

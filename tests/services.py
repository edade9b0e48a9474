"""Find the real PostgreSQL and Redis the integration tests run against.

TEST_DATABASE_URL names a PostgreSQL server (each test run creates and drops
its own database there); TEST_REDIS_URL names a Redis (each run uses its own
key prefix). Without them the defaults on 127.0.0.1 are tried. With
REQUIRE_SERVICES=1 a missing service fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"
RUN_ID = uuid.uuid4().hex[:10]


def required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def pg_server_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG


def redis_url() -> str:
    return os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(_libpq(pg_server_url()), connect_timeout=2):
            return True
    except Exception:
        return False


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(redis_url(), socket_connect_timeout=2).ping())
    except Exception:
        return False


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def create_pg_database(name: str) -> str:
    """Create a fresh database on the test server and return its SQLAlchemy URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    with psycopg.connect(_libpq(pg_server_url()), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(_libpq(pg_server_url())).set(database=name)
    return url.render_as_string(hide_password=False)


def drop_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(pg_server_url()), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

"""Which database errors mean "down or too slow" (503, one warning line) and which are bugs (500)."""

import sqlite3

import psycopg
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from core.db import is_unavailable


def _wrapped(orig: Exception, kind: type = OperationalError) -> Exception:
    return kind("SELECT 1", {}, orig)


def test_outages_and_timeouts_are_unavailable():
    assert is_unavailable(PoolTimeout("QueuePool limit reached"))
    assert is_unavailable(_wrapped(psycopg.OperationalError("connection refused")))
    assert is_unavailable(_wrapped(psycopg.errors.ConnectionTimeout("connection timeout expired")))
    assert is_unavailable(_wrapped(psycopg.errors.QueryCanceled("statement timeout")))
    assert is_unavailable(_wrapped(psycopg.errors.AdminShutdown("terminating connection")))
    assert is_unavailable(_wrapped(sqlite3.OperationalError("database is locked")))


def test_bugs_stay_bugs():
    assert not is_unavailable(_wrapped(sqlite3.OperationalError("no such table: people")))
    assert not is_unavailable(_wrapped(psycopg.errors.UndefinedTable("no such table"),
                                       ProgrammingError))
    assert not is_unavailable(ValueError("not a database error"))

"""PostgreSQL connection settings that bound every wait on a failing server.

- `connect_timeout`: a server that is down or unreachable fails the
  connection attempt within seconds, not libpq's two minutes.
- `statement_timeout` and `idle_in_transaction_session_timeout`: a live
  server cancels a runaway query, and ends a session whose worker stopped
  half-way through a transaction (its row locks would block everyone).
- TCP keepalives: a pooled connection whose peer vanished is noticed.
- A client-side deadline on every round trip: a server that accepted the
  connection and then went silent (a frozen host, a stalled proxy) never
  sends an error and its kernel keeps acknowledging keepalives, so only the
  client can give up. Past the deadline the connection is closed, which
  SQLAlchemy reads as a disconnect: the pool drops it and the caller gets an
  OperationalError (the API answers 503).
"""

from __future__ import annotations

from typing import Any

import psycopg

KEEPALIVES_INTERVAL = 3
KEEPALIVES_COUNT = 3
# The server's statement_timeout answers first when the server is alive.
CLIENT_GRACE = 0.5


class DeadlineConnection(psycopg.Connection[Any]):
    """A psycopg connection that closes itself when the server stays silent past `reply_timeout`."""

    reply_timeout: float | None = None

    def wait(self, gen: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one round trip, at most `reply_timeout` seconds."""
        timeout = self.reply_timeout
        if timeout is None or kwargs.get("timeout") is not None or len(args) > 1:
            return super().wait(gen, *args, **kwargs)
        kwargs["timeout"] = timeout
        try:
            return super().wait(gen, *args, **kwargs)
        except psycopg.errors.OperationalError as exc:
            if type(exc).__name__ != "_WaitTimeout":  # psycopg's own "wait timeout expired"
                raise
            self.pgconn.finish()  # mid-protocol: the connection cannot be reused
            raise psycopg.OperationalError(
                f"the database did not answer within {timeout:g} s") from None


def connect_args(*, connect_timeout: int, statement_timeout_ms: int,
                 idle_in_transaction_timeout_ms: int, keepalives_idle: int) -> dict[str, Any]:
    """Return libpq parameters for an engine's `connect_args`."""
    options = (f"-c statement_timeout={statement_timeout_ms}"
               f" -c idle_in_transaction_session_timeout={idle_in_transaction_timeout_ms}")
    return {
        "connect_timeout": connect_timeout,
        "keepalives": 1,
        "keepalives_idle": keepalives_idle,
        "keepalives_interval": KEEPALIVES_INTERVAL,
        "keepalives_count": KEEPALIVES_COUNT,
        "options": options,
    }


def connect(reply_timeout: float | None, *cargs: Any, **cparams: Any) -> DeadlineConnection:
    """Open a connection whose round trips give up after `reply_timeout` seconds."""
    conn = DeadlineConnection.connect(*cargs, **cparams)
    conn.reply_timeout = reply_timeout
    return conn

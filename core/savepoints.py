"""Undo part of a unit of work without ending it: what a door asks of its transaction.

The front door owns the transaction (`session_scope`, the web unit of work);
these are the only ways a door undoes a part of it, so no door calls
`begin_nested()` or `rollback()` itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from core.db import session_wrote


@contextmanager
def savepoint(session: Session) -> Iterator[None]:
    """Undo what the block wrote when it raises, keeping what the session wrote before it."""
    with session.begin_nested():
        yield


@contextmanager
def undo_on_error(session: Session) -> Iterator[None]:
    """Undo what the block wrote when it raises; a savepoint only when there is something to keep.

    When the session has written nothing yet, rolling the whole transaction
    back undoes the same and saves the SAVEPOINT round trips on the way to a
    success (a chat turn's yes).
    """
    if session_wrote(session):
        with session.begin_nested():
            yield
        return
    try:
        yield
    except Exception:
        session.rollback()
        raise


@contextmanager
def trial(session: Session) -> Iterator[None]:
    """Write for the length of the block only: whatever it wrote is undone when it ends."""
    with session.begin_nested() as nested:
        yield
        nested.rollback()

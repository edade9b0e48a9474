"""Reference rows (canteens and their meals, subsidy rules, communities) kept per process.

Every chat turn needs a canteen, the subsidy rules or a community's phone,
and these change a few times a year. A snapshot of them is read with the
caller's connection into a private session, kept for `TTL_SECONDS`, and
handed out merged into the caller's session without SQL, so callers get
ordinary session objects (lazy loads and edits work as usual).

Freshness:
- a transaction that flushed one of a snapshot's models (or ran an ORM
  UPDATE / DELETE on it) drops that snapshot in this process when it ends,
  committed or rolled back; other processes see the change within
  `TTL_SECONDS`;
- while a session holds changes to those models, flushed or not, it reads
  the database itself;
- writes made around the ORM (raw SQL, a restore) need `clear()` or wait
  out the TTL.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import URL, event, inspect
from sqlalchemy.orm import ORMExecuteState, Session

T = TypeVar("T")
M = TypeVar("M")
TTL_SECONDS = 2.0
_TOUCHED = "refcache_touched"  # session.info: snapshots whose models this transaction wrote
_ALL: list[Snapshot[Any]] = []


class Snapshot(Generic[T]):
    """One cached reading of some reference tables, per database, for a short time."""

    def __init__(self, name: str, models: tuple[type, ...], load: Callable[[Session], T],
                 *, ttl: float = TTL_SECONDS) -> None:
        self.name, self.models, self._load, self.ttl = name, models, load, ttl
        self._entries: dict[URL, tuple[float, T]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        _ALL.append(self)

    def read(self, session: Session) -> T | None:
        """Return the snapshot (detached objects), or None when this session must read the database."""
        if self._touched_by(session):
            return None
        key = session.get_bind().engine.url  # the same for an engine and its option variants
        entry = self._entries.get(key)
        now = time.monotonic()
        if entry is not None and entry[0] > now:
            return entry[1]
        generation = self._generation
        with Session(bind=session.connection(), join_transaction_mode="rollback_only",
                     autoflush=False, expire_on_commit=False) as private:
            value = self._load(private)
        with self._lock:
            if generation == self._generation:  # nobody changed the tables while we read
                self._entries[key] = (now + self.ttl, value)
        return value

    def invalidate(self) -> None:
        """Forget every reading; a reading in flight is not kept either."""
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def _touched_by(self, session: Session) -> bool:
        return (self in session.info.get(_TOUCHED, ())
                or self._covers((*session.new, *session.dirty, *session.deleted)))

    def _covers(self, objects: Any) -> bool:
        return any(isinstance(obj, self.models) for obj in objects)


def attach(session: Session, obj: T) -> T:
    """Return the session's own copy of a snapshot object, made without SQL."""
    present = session.identity_map.get(inspect(obj).key)
    if present is not None:
        return present  # type: ignore[no-any-return]
    return session.merge(obj, load=False)


def attached_rows(snapshot: Snapshot[list[M]], session: Session) -> list[M]:
    """Return a list snapshot's rows as session objects, or read them when the session must."""
    known = snapshot.read(session)
    if known is None:
        return snapshot._load(session)
    return [attach(session, row) for row in known]


def clear() -> None:
    """Forget every snapshot (after writes made around the ORM, or a database reset)."""
    for snapshot in _ALL:
        snapshot.invalidate()


def _mark(session: Session, snapshots: list[Snapshot[Any]]) -> None:
    if snapshots:
        session.info.setdefault(_TOUCHED, set()).update(snapshots)


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context: Any) -> None:
    written = (*session.new, *session.dirty, *session.deleted)
    _mark(session, [s for s in _ALL if s._covers(written)])


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_writes(state: ORMExecuteState) -> None:
    mapper = state.bind_mapper
    if (state.is_update or state.is_delete) and mapper is not None:
        _mark(state.session, [s for s in _ALL if issubclass(mapper.class_, s.models)])


@event.listens_for(Session, "after_transaction_end")
def _drop_written(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the outer transaction ended, committed or rolled back
        for snapshot in session.info.pop(_TOUCHED, ()):
            snapshot.invalidate()

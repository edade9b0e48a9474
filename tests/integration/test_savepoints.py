"""The ways a door undoes part of its unit of work (core.savepoints), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.db import session_scope
from core.errors import Conflict
from core.savepoints import savepoint, trial, undo_on_error
from models.region import Community
from tests.factories import make_community


def _names(session) -> set[str]:  # type: ignore[no-untyped-def]
    return set(session.scalars(select(Community.name)))


@pytest.mark.parametrize("undo", [savepoint, undo_on_error])
def test_a_failed_block_leaves_nothing_and_keeps_what_came_before(db, undo):
    with session_scope() as s:
        make_community(s, name="先写的")
        with pytest.raises(Conflict), undo(s):
            make_community(s, name="失败的")
            s.flush()
            raise Conflict()
        make_community(s, name="后写的")
    with session_scope() as s:
        assert _names(s) == {"先写的", "后写的"}


def test_undo_on_error_with_nothing_written_before_rolls_the_block_back(db):
    with session_scope() as s:
        with pytest.raises(Conflict), undo_on_error(s):
            make_community(s, name="失败的")
            s.flush()
            raise Conflict()
        make_community(s, name="后写的")
    with session_scope() as s:
        assert _names(s) == {"后写的"}


@pytest.mark.parametrize("undo", [savepoint, undo_on_error])
def test_a_block_that_succeeds_is_kept(db, undo):
    with session_scope() as s:
        with undo(s):
            make_community(s, name="成功的")
    with session_scope() as s:
        assert _names(s) == {"成功的"}


def test_a_trial_is_always_undone(db):
    with session_scope() as s:
        make_community(s, name="先写的")
        with trial(s):
            make_community(s, name="试一试")
            s.flush()
            assert s.scalar(select(func.count()).select_from(Community)) == 2
    with session_scope() as s:
        assert _names(s) == {"先写的"}

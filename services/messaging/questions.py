"""Which questions sent outside a conversation may still wait for a person's answer.

Each kind of question (a rating, a service to confirm, a proxy invitation…)
offers a clue beside its own look-up: an EXISTS that holds whenever that
look-up, or its "settled meanwhile" one, could find something. A bare "1"
from someone with nothing asked then costs one statement for every kind.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Exists

Clue = Exists


def which_may_wait(session: Session, *, clues: Mapping[str, Clue]) -> set[str]:
    """Return the names whose clue holds, asking the database once for all of them."""
    if not clues:
        return set()
    session.flush()  # as each kind's ORM look-up would autoflush: what this turn wrote counts
    row = session.execute(select(*(clue.label(f"c{n}") for n, clue in enumerate(clues.values()))))
    return {name for name, held in zip(clues, row.one(), strict=True) if held}

"""Demo data for `make run` and `flask --app wsgi demo-data` (idempotent).

Each domain adds a module with `load(session) -> dict[str, int]`, imports it
here and lists it in DEMO_LOADERS; they run in order, so later ones may use
earlier ones.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from services.demo import (
    addresses,
    assistance,
    console,
    foundation,
    funds,
    help_requests,
    meals,
    policies,
    volunteers,
)

DEMO_LOADERS: tuple[Callable[[Session], dict[str, int]], ...] = (
    foundation.load,
    volunteers.load,
    meals.load,
    funds.load,
    help_requests.load,
    console.load,
    policies.load,
    addresses.load,
    assistance.load,
)


def load_demo_data(session: Session) -> dict[str, int]:
    """Run every demo loader and return what each created or found."""
    summary: dict[str, int] = {}
    for load in DEMO_LOADERS:
        summary.update(load(session))
    return summary

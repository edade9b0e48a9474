"""Demo data for `make run` and `flask --app wsgi demo-data` (idempotent).

Each domain adds a module with `load(session) -> dict[str, int]` and lists
it in DEMO_LOADERS; they run in order, so later ones may use earlier ones.
"""

from __future__ import annotations

import importlib

from sqlalchemy.orm import Session

DEMO_LOADERS: list[str] = [
    "services.demo.foundation",
    "services.demo.volunteers",
    "services.demo.meals",
    "services.demo.funds",
    "services.demo.help_requests",
    "services.demo.console",
    "services.demo.policies",
    "services.demo.addresses",
    "services.demo.assistance",
]


def load_demo_data(session: Session) -> dict[str, int]:
    """Run every demo loader and return what each created or found."""
    summary: dict[str, int] = {}
    for name in DEMO_LOADERS:
        summary.update(importlib.import_module(name).load(session))
    return summary

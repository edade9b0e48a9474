"""Demo policy knowledge base: the default entries, as rows staff can edit in the console."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.assistance.policies import seed_policy_entries


def load(session: Session) -> dict[str, int]:
    """Write the default policy entries not saved yet."""
    return {"policy_entries": seed_policy_entries(session)}

"""Record staff reads and exports of sensitive data (append-only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from core import clock
from models.audit import AuditEntry


def _request_id() -> str | None:
    try:
        from flask import g, has_request_context

        return getattr(g, "request_id", None) if has_request_context() else None
    except ImportError:  # pragma: no cover - flask is always installed
        return None


def record_access(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    fields: Iterable[str] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry: who read or exported which fields of what."""
    entry = AuditEntry(
        at=clock.now(),
        actor_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        fields=sorted(fields) or None,
        detail=detail,
        request_id=_request_id(),
    )
    session.add(entry)
    session.flush()
    return entry

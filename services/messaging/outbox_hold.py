"""The outbox hold: after a restore, nothing is sent until an operator releases it.

A backup is a moment; the old database kept sending after it. Rows the
backup holds as unsent (pending, sending, waiting) may have gone out since,
so a restore writes a hold and every dispatcher claims nothing while one is
open (`services.messaging.outbox.claim_due_notifications`). The release, run by a
person who knows when the old system stopped, marks unsent rows due up to
that moment as dead with a note (staff can send one again through the
dead-letter route), cancels reminders whose moment has passed, and lets
the dispatcher send the rest.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.clock import as_aware
from models.messaging import Notification, OutboxHold
from services.messaging.message_templates import is_stale

logger = logging.getLogger(__name__)

UNSENT = ("pending", "sending", "waiting")
SKIPPED_NOTE = "备份恢复：恢复前可能已发出，未重发"


class NoOutboxHold(Exception):
    """There is no hold to release."""


@dataclass(frozen=True)
class HoldSummary:
    """What an open hold keeps back, for the console banner and the CLI."""

    held_at: datetime
    backup_taken_at: datetime | None
    unsent: int


@dataclass(frozen=True)
class ReleaseReport:
    """What a release did: rows left to send, skipped as maybe sent, cancelled as stale."""

    to_send: int
    skipped: int
    stale: int
    sent_until: datetime


def hold_dispatch(session: Session, *, backup_taken_at: datetime | None, now: datetime,
                  reason: str = "restore") -> OutboxHold:
    """Pause all outbox dispatch until `release_outbox_hold` runs."""
    hold = OutboxHold(id=secrets.token_hex(16), reason=reason, backup_taken_at=backup_taken_at,
                      held_at=now, skipped=0)
    session.add(hold)
    session.flush()
    return hold


def _open_hold(session: Session) -> OutboxHold | None:
    return session.scalar(select(OutboxHold).where(OutboxHold.released_at.is_(None))
                          .order_by(OutboxHold.held_at).limit(1))


def is_dispatch_held(session: Session) -> bool:
    """Tell whether a hold is open (dispatchers then claim nothing)."""
    return session.scalar(select(OutboxHold.id).where(OutboxHold.released_at.is_(None))
                          .limit(1)) is not None


def get_outbox_hold(session: Session) -> HoldSummary | None:
    """Return the open hold with how many notifications it keeps back, or None."""
    hold = _open_hold(session)
    if hold is None:
        return None
    unsent = session.scalar(select(func.count()).select_from(Notification)
                            .where(Notification.status.in_(UNSENT))) or 0
    return HoldSummary(held_at=hold.held_at, backup_taken_at=hold.backup_taken_at, unsent=unsent)


def release_outbox_hold(session: Session, *, now: datetime, released_by: str,
                        sent_until: datetime | None = None) -> ReleaseReport:
    """Skip what may have gone out (unsent and due by `sent_until`), then let dispatch resume.

    `sent_until` is when the old system last sent; it defaults to the backup's
    moment, since what was already due then left within seconds of it.
    """
    hold = _open_hold(session)
    if hold is None:
        raise NoOutboxHold()
    cutoff = as_aware(sent_until or hold.backup_taken_at or hold.held_at)
    rows = session.execute(select(Notification.id, Notification.template, Notification.due_at)
                           .where(Notification.status.in_(UNSENT))).all()
    skipped = [nid for nid, _t, due in rows if as_aware(due) <= cutoff]
    stale = [nid for nid, template, due in rows
             if as_aware(due) > cutoff and is_stale(template, due, now=now)]
    _set_status(session, skipped, status="dead", note=SKIPPED_NOTE)
    _set_status(session, stale, status="cancelled", note=None)
    session.execute(update(OutboxHold).where(OutboxHold.released_at.is_(None))
                    .values(released_at=now, released_by=released_by, sent_until=cutoff,
                            skipped=len(skipped))
                    .execution_options(synchronize_session=False))
    to_send = len(rows) - len(skipped) - len(stale)
    logger.info("outbox hold released: %d to send, %d skipped, %d stale",
                to_send, len(skipped), len(stale))
    return ReleaseReport(to_send=to_send, skipped=len(skipped), stale=len(stale), sent_until=cutoff)


def _set_status(session: Session, ids: list[int], *, status: str, note: str | None) -> None:
    for start in range(0, len(ids), 500):
        session.execute(
            update(Notification).where(Notification.id.in_(ids[start:start + 500]))
            .values(status=status, last_error=note, claim_token=None, claimed_until=None,
                    next_attempt_at=None)
            .execution_options(synchronize_session=False))

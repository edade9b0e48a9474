"""Deadlines by urgency (settings-overridable) and escalation of overdue requests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.config import get_settings
from models.help_requests import CATEGORY_NAMES, HelpRequest
from models.monitoring import RiskAlert
from services.help_requests.events import notify_people, record_event
from services.help_requests.views import notice_facts
from services.messaging.alerts import people_with_role, raise_alert
from services.messaging.message_templates import moment_words

# Minutes allowed, by (urgency, stage); override with settings.extra, e.g.
# HELP_SLA_EMERGENCY_ACCEPT_MINUTES=5.
SLA_MINUTES: dict[tuple[str, str], int] = {
    ("emergency", "accept"): 10,
    ("emergency", "resolve"): 24 * 60,
    ("normal", "accept"): 24 * 60,
    ("normal", "resolve"): 7 * 24 * 60,
}
FEEDBACK_REMINDER_MINUTES = 24 * 60
WAITING_FOR_ACCEPT = ("submitted", "referred")
NOT_YET_RESOLVED = ("submitted", "accepted", "assigned", "in_progress", "referred")


def sla_minutes(urgency: str, stage: str) -> int:
    """Return the minutes allowed for a stage ("accept" or "resolve") of an urgency."""
    key = f"HELP_SLA_{urgency}_{stage}_MINUTES".upper()
    override = get_settings().extra.get(key)
    return int(override) if override else SLA_MINUTES[(urgency, stage)]


def feedback_reminder_after() -> timedelta:
    """Return how long after resolution an unanswered rating request is repeated."""
    override = get_settings().extra.get("HELP_FEEDBACK_REMINDER_MINUTES")
    return timedelta(minutes=int(override) if override else FEEDBACK_REMINDER_MINUTES)


def due_times(urgency: str, start: datetime) -> tuple[datetime, datetime]:
    """Return (accept by, resolve by) for a request submitted at `start`."""
    accept = start + timedelta(minutes=sla_minutes(urgency, "accept"))
    return accept, start + timedelta(minutes=sla_minutes(urgency, "resolve"))


def _alert_still_open(session: Session, help_request: HelpRequest) -> bool:
    if help_request.alert_id is None:
        return False
    return session.scalar(select(RiskAlert.status).where(RiskAlert.id == help_request.alert_id)) == "open"


def _claim_level(session: Session, help_request: HelpRequest, level: int) -> bool:
    result = session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == help_request.id, HelpRequest.escalation_level < level)
        .values(escalation_level=level)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _escalate(session: Session, help_request: HelpRequest, level: int, now: datetime) -> bool:
    if not _claim_level(session, help_request, level):
        return False
    what = "超时未受理" if level == 1 else "超时未办结"
    summary = f"求助{help_request.code}（{CATEGORY_NAMES[help_request.category]}）{what}"
    key = f"help:{help_request.id}:overdue:{level}"
    raise_alert(session, kind="overdue_request", level="high", summary=summary, dedupe_key=key,
                person_id=help_request.beneficiary_id, community_id=help_request.community_id,
                subject_type="help_request", subject_id=help_request.id)
    record_event(session, help_request=help_request, actor_id=None, kind="escalated", note=what)
    people = sorted(
        set(people_with_role(session, role="staff", community_id=help_request.community_id))
        | set(people_with_role(session, role="supervisor", community_id=help_request.community_id))
    )
    deadline = help_request.accept_due_at if level == 1 else help_request.resolve_due_at
    facts = notice_facts(session, help_request=help_request)
    facts.update(what=f"{what}：{CATEGORY_NAMES[help_request.category]}",
                 when=moment_words(deadline))
    notify_people(session, person_ids=people, template="help_overdue",
                  text=(f"求助{help_request.code}{what}（期限{facts['when']}）。"
                        f"求助人{facts['who']}，{facts['what']}。请尽快处理。"),
                  dedupe_prefix=key, payload={"help_request_id": help_request.id}, facts=facts)
    return True


def escalate_overdue_help_requests(session: Session, *, now: datetime) -> int:
    """Escalate requests past their deadlines, once per level; return how many."""
    count = 0
    late_accept = select(HelpRequest).where(
        HelpRequest.status.in_(WAITING_FOR_ACCEPT), HelpRequest.accept_due_at <= now,
        HelpRequest.escalation_level < 1,
    )
    for help_request in session.scalars(late_accept.order_by(HelpRequest.id)).all():
        # An open emergency alert already escalates on its own clock.
        if not _alert_still_open(session, help_request):
            count += _escalate(session, help_request, 1, now)
    late_resolve = select(HelpRequest).where(
        HelpRequest.status.in_(NOT_YET_RESOLVED), HelpRequest.resolve_due_at <= now,
        HelpRequest.escalation_level < 2,
    )
    for help_request in session.scalars(late_resolve.order_by(HelpRequest.id)).all():
        count += _escalate(session, help_request, 2, now)
    return count

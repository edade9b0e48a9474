"""The one list of jobs. Each is a thin wrapper: one service call in its own unit of work."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from core import clock
from core.clock import LOCAL_TZ
from core.db import session_scope
from scheduler.dispatcher import dispatch_due_notifications
from services.assistance import tiers
from services.funds.ledger import reconcile_funds
from services.help_requests import escalate_overdue_help_requests, request_feedback_reminders
from services.help_requests.followup import ask_followups
from services.meals import reminders
from services.meals.kitchen import mark_past_bookings_no_show
from services.meals.standing_job import book_standing_orders
from services.messaging import alerts
from services.monitoring import household_warnings, welfare
from services.operations import maintenance
from services.rights import retention
from services.volunteers.activities import remind_upcoming_activities
from services.volunteers.ledger import reconcile_ledger
from services.volunteers.service_records import auto_close_forgotten_checkouts
from services.volunteers.verification import nudge_unconfirmed_service_records

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """One scheduled job: what runs, when, and how late it may still run."""

    id: str
    trigger: BaseTrigger
    func: Callable[[], object]
    misfire_grace_time: int = 300
    coalesce: bool = True


def _run(name: str, service: Callable[..., object]) -> Callable[[], object]:
    """Wrap a `service(session, *, now)` call in its own unit of work."""

    def job() -> object:
        with session_scope() as s:
            result = service(s, now=clock.now())
        logger.info("job %s done: %s", name, result)
        return result

    job.__name__ = name
    job.__doc__ = f"Run {name} in its own unit of work."
    return job


def reconcile_points_ledger() -> object:
    """Check the points ledger sums to zero (the service raises an alert if not)."""
    with session_scope() as s:
        report = reconcile_ledger(s)
    logger.info("ledger reconciliation ok=%s", report["ok"])
    return report


def reconcile_funds_ledger() -> object:
    """Check the charity funds' ledger sums to zero (the service raises an alert if not)."""
    with session_scope() as s:
        report = reconcile_funds(s)
    logger.info("funds reconciliation ok=%s", report["ok"])
    return report


def enforce_retention() -> object:
    """Delete or clear what the retention rules say has expired (once a day, in batches)."""
    return retention.enforce_retention(session_scope, now=clock.now())


def dispatch_outbox() -> int:
    """Send what is due in the outbox (more dispatchers may run beside this one)."""
    return dispatch_due_notifications(max_batches=50)


def remind_meals_evening() -> object:
    """Remind everyone who booked a meal for tomorrow, with the menu."""
    with session_scope() as s:
        return reminders.queue_meal_reminders(s, now=clock.now(), evening=True)


def remind_meals_morning() -> object:
    """Remind everyone who booked a meal for today, with the menu."""
    with session_scope() as s:
        return reminders.queue_meal_reminders(s, now=clock.now(), evening=False)


def _every(**interval: int) -> IntervalTrigger:
    return IntervalTrigger(timezone=LOCAL_TZ, **interval)


def _daily(hour: int, minute: int = 0) -> CronTrigger:
    return CronTrigger(hour=hour, minute=minute, timezone=LOCAL_TZ)


JOBS: list[Job] = [
    Job("outbox_dispatch", _every(seconds=5), dispatch_outbox, misfire_grace_time=30),
    Job("meal_reminders_evening", _daily(18, 0), remind_meals_evening, misfire_grace_time=3600),
    Job("meal_reminders_morning", _daily(7, 0), remind_meals_morning, misfire_grace_time=3600),
    Job("kitchen_summaries", _every(minutes=5),
        _run("kitchen_summaries", reminders.queue_kitchen_summaries)),
    Job("standing_orders", _every(minutes=10), _run("standing_orders", book_standing_orders)),
    Job("meal_no_shows", _every(minutes=15), _run("meal_no_shows", mark_past_bookings_no_show)),
    Job("activity_reminders", _every(minutes=10),
        _run("activity_reminders", remind_upcoming_activities)),
    Job("help_request_escalation", _every(minutes=1),
        _run("help_request_escalation", escalate_overdue_help_requests), misfire_grace_time=60),
    Job("alert_escalation", _every(minutes=1),
        _run("alert_escalation", alerts.escalate_unacknowledged_alerts), misfire_grace_time=60),
    Job("feedback_requests", _every(minutes=30),
        _run("feedback_requests", request_feedback_reminders)),
    # 回访: 30 days after resolution, by day (people are asked in the morning, not at night).
    Job("help_followups", _daily(10, 0), _run("help_followups", ask_followups),
        misfire_grace_time=6 * 3600),
    Job("service_record_nudges", _every(minutes=30),
        _run("service_record_nudges", nudge_unconfirmed_service_records)),
    Job("forgotten_checkouts", _every(minutes=30),
        _run("forgotten_checkouts", auto_close_forgotten_checkouts)),
    Job("welfare_checks", _daily(19, 30), _run("welfare_checks", welfare.run_welfare_checks),
        misfire_grace_time=3 * 3600),
    Job("household_warnings", _every(minutes=30),
        _run("household_warnings", household_warnings.raise_household_warnings),
        misfire_grace_time=1800),
    Job("tier_review_reminders", _daily(8, 30),
        _run("tier_review_reminders", tiers.remind_tier_reviews), misfire_grace_time=6 * 3600),
    Job("ledger_reconciliation", _daily(3, 30), reconcile_points_ledger,
        misfire_grace_time=6 * 3600),
    Job("funds_reconciliation", _daily(3, 40), reconcile_funds_ledger, misfire_grace_time=6 * 3600),
    Job("cleanup", _daily(4, 0), _run("cleanup", maintenance.clean_expired_records),
        misfire_grace_time=6 * 3600),
    Job("retention", _daily(4, 30), enforce_retention, misfire_grace_time=6 * 3600),
]


def build_scheduler(jobs: list[Job] | None = None) -> BackgroundScheduler:
    """Build an APScheduler with every job in the list (not started)."""
    scheduler = BackgroundScheduler(timezone=LOCAL_TZ)
    for job in JOBS if jobs is None else jobs:
        scheduler.add_job(job.func, job.trigger, id=job.id, name=job.id, max_instances=1,
                          misfire_grace_time=job.misfire_grace_time, coalesce=job.coalesce)
    return scheduler

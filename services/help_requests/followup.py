"""回访 (救助结果跟踪评价): 30 days after a request was resolved, ask the person how things are now.

The timings are data (services/data/followup.json, with their source). The
scheduler asks once per request (a conditional update claims it, so a second
run or a second scheduler asks nobody twice); the answer is a numbered choice
taken by the bot (bot/dialogue/flows/followup.py), written on the request's
timeline, and "更难了" raises an alert to the community's staff.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from core import clock
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from models.help_requests import CATEGORY_NAMES, FOLLOWUP_ANSWERS, HelpRequest
from models.person import Person
from services.help_requests.events import community_staff_ids, notify_people, record_event
from services.help_requests.views import notice_facts
from services.messaging.alerts import raise_alert
from services.messaging.message_templates import day_words
from services.messaging.notifications import enqueue_notification
from services.messaging.questions import Clue

RULE = Path(__file__).resolve().parents[1] / "data" / "followup.json"
ANSWER_NAMES = {"better": "好多了", "same": "差不多", "worse": "更难了"}
CHOICES = "回复：1 好多了 2 差不多 3 更难了"


@cache
def rule() -> dict[str, Any]:
    """Return the 回访 rule (days after resolution, how long to wait for the answer)."""
    data: dict[str, Any] = json.loads(RULE.read_text(encoding="utf-8"))
    return data


def after() -> timedelta:
    """Return how long after resolution the 回访 is asked."""
    return _days("after_days")


def answer_within() -> timedelta:
    """Return how long a 回访 question waits for its answer."""
    return _days("answer_within_days")


def _days(key: str) -> timedelta:
    return timedelta(days=int(rule()[key]))


def _claim(session: Session, help_request: HelpRequest, now: datetime) -> bool:
    result = session.execute(
        update(HelpRequest)
        .where(HelpRequest.id == help_request.id, HelpRequest.followup_asked_at.is_(None))
        .values(followup_asked_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def question_text(help_request: HelpRequest) -> str:
    """Return the 回访 question, with the request's code, kind and the day it was resolved."""
    assert help_request.resolved_at is not None
    what = CATEGORY_NAMES[help_request.category]
    day = clock.as_aware(help_request.resolved_at).astimezone(clock.LOCAL_TZ).date()
    return (f"您好！您的求助{help_request.code}（{what}）{day_words(day)}办好了，"
            f"已经过了一个月。现在情况怎么样？\n{CHOICES}")


def ask_followups(session: Session, *, now: datetime) -> int:
    """Ask, once each, about requests resolved `after_days` ago (not older ones); return how many."""
    due = select(HelpRequest).where(
        HelpRequest.status.in_(("resolved", "closed")),
        HelpRequest.followup_asked_at.is_(None),
        HelpRequest.redacted_at.is_(None),
        HelpRequest.resolved_at <= now - _days("after_days"),
        HelpRequest.resolved_at > now - _days("after_days") - _days("ask_within_days"),
    )
    asked = 0
    for help_request in session.scalars(due.order_by(HelpRequest.id)).all():
        if not _claim(session, help_request, now):
            continue
        enqueue_notification(
            session, person_id=help_request.requester_id, template="help_followup",
            text=question_text(help_request), dedupe_key=f"help:{help_request.id}:followup",
            payload={"help_request_id": help_request.id},
            facts={"code": help_request.code, "next": CHOICES},
        )
        record_event(session, help_request=help_request, actor_id=None, kind="reminder",
                     note="回访：已问近况")
        asked += 1
    return asked


@dataclass(frozen=True)
class PendingFollowup:
    """A 回访 question still waiting for this person's answer."""

    help_request_id: int
    code: str
    asked_at: datetime


def pending_followup(session: Session, *, person_id: int, since: datetime) -> PendingFollowup | None:
    """Return the person's latest 回访 question asked since `since` and not answered."""
    found = session.scalar(
        select(HelpRequest).where(*_unanswered(person_id, since))
        .order_by(HelpRequest.followup_asked_at.desc(), HelpRequest.id.desc()).limit(1))
    if found is None or found.followup_asked_at is None:
        return None
    return PendingFollowup(found.id, found.code, found.followup_asked_at)


def followup_may_wait(*, person_id: int, since: datetime) -> Clue:
    """Return a clue that holds when `pending_followup` would find a 回访 question."""
    return exists().where(*_unanswered(person_id, since))


def _unanswered(person_id: int, since: datetime) -> tuple[ColumnElement[bool], ...]:
    return (HelpRequest.requester_id == person_id, HelpRequest.followup_asked_at >= since,
            HelpRequest.followup_answer.is_(None))


def answer_followup(session: Session, *, person: Person, help_request_id: int,
                    answer: str) -> HelpRequest:
    """Record the person's 回访 answer on the timeline; "更难了" alerts the community's staff."""
    if answer not in FOLLOWUP_ANSWERS:
        raise ValidationFailed(fields={"answer": "不是允许的取值"})
    help_request = session.get(HelpRequest, help_request_id, with_for_update=True)
    if help_request is None or help_request.requester_id != person.id:
        raise NotAllowed()
    if help_request.followup_asked_at is None or help_request.followup_answer is not None:
        raise InvalidTransition("这次回访已经答过了，谢谢您。")
    help_request.followup_answer, help_request.followup_answered_at = answer, clock.now()
    record_event(session, help_request=help_request, actor_id=person.id, kind="feedback",
                 note=f"回访：{ANSWER_NAMES[answer]}")
    if answer in rule()["alert_on"]:
        _alert_staff(session, help_request)
    session.flush()
    return help_request


def _alert_staff(session: Session, help_request: HelpRequest) -> None:
    key = f"help:{help_request.id}:followup-worse"
    facts = notice_facts(session, help_request=help_request)
    summary = f"回访：求助{help_request.code}的求助人说情况更难了，请联系"
    raise_alert(session, kind="followup_worse", level=str(rule()["alert_level"]),
                summary=summary, dedupe_key=key, person_id=help_request.beneficiary_id,
                community_id=help_request.community_id, subject_type="help_request",
                subject_id=help_request.id)
    notify_people(session, person_ids=community_staff_ids(
        session, community_id=help_request.community_id), template="help_followup_worse",
        text=(f"回访：求助{help_request.code}（{facts['who']}，{CATEGORY_NAMES[help_request.category]}）"
              "办好一个月后，求助人说情况更难了。请尽快联系。"),
        dedupe_prefix=key, payload={"help_request_id": help_request.id},
        facts={"code": help_request.code, "who": facts["who"], "what": "回访说情况更难了"})

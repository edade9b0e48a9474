"""Retention as rules (PIPL art. 19, 47; Cybersecurity Law art. 21), enforced once a day.

Each rule says what, how long, why, and whether expired rows are deleted or
have their personal text cleared. The days are data: `RETENTION_DAYS`
("chat_message_text=30,help_requests_closed=730") overrides them, never below
a rule's legal floor. `enforce_retention` works in batches, one unit of work
per batch, and a scheduled run claims its local day first, so two schedulers
at a hand-over run it once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from core import clock
from core.clock import LOCAL_TZ
from core.config import get_settings
from core.errors import ValidationFailed
from models.auth import ApiToken
from models.bot import InboundMessage
from models.help_requests import HelpRequest
from models.messaging import Notification
from models.rights import RetentionRun
from services.rights.erasure import redact_help_requests

logger = logging.getLogger(__name__)
BATCH = 500
FINAL_HELP_STATUSES = ("closed", "cancelled", "rejected")
DONE_NOTIFICATIONS = ("sent", "cancelled", "dead")


@dataclass(frozen=True)
class Rule:
    """How long one kind of record is kept, the legal floor, and what happens after."""

    code: str
    what: str
    days: int
    floor_days: int
    action: str  # "delete", "clear" (personal text cleared, row kept) or "keep" (not automated)
    why: str


RULES: tuple[Rule, ...] = (
    Rule("chat_message_text", "公众号收到的消息原文和回复", 60, 0, "clear",
         "去重和核查只需几周；PIPL 第19条：保存期限为实现目的所必要的最短时间"),
    Rule("chat_message_log", "公众号消息记录（时间、类型、账号）", 180, 180, "delete",
         "网络安全法第21条：网络日志留存不少于六个月"),
    Rule("notifications_done", "已发出、已取消或发送失败的消息", 180, 180, "delete",
         "发送记录属网络日志，留存不少于六个月，之后删除"),
    Rule("login_records", "登录记录（过期或注销的登录凭证）", 180, 180, "delete",
         "网络安全法第21条：登录日志留存不少于六个月"),
    Rule("help_requests_closed", "已办结、取消或不予受理的求助的内容", 1095, 365, "clear",
         "民政站规定保存三年备查；期满清除描述、地址、电话，保留编号、类别、时间"),
    Rule("audit_log", "工作人员查阅、导出记录", 1095, 180, "keep",
         "PIPL 第54、55条合规审计和影响评估记录保存至少三年；数据库禁止修改删除"),
)


def rules(overrides: str | None = None) -> tuple[Rule, ...]:
    """Return the rules with the configured day overrides applied (refusing any below a floor)."""
    text = get_settings().retention_days if overrides is None else overrides
    days: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        code, _, value = item.partition("=")
        if not value.strip().isdigit():
            raise ValidationFailed(f"保存期限写法不对：{item}")
        days[code.strip()] = int(value)
    known = {rule.code: rule for rule in RULES}
    for code, count in days.items():
        if code not in known:
            raise ValidationFailed(f"没有这条保存规则：{code}")
        if count < max(known[code].floor_days, 1):
            raise ValidationFailed(f"{code} 不能少于 {known[code].floor_days} 天")
    return tuple(replace(rule, days=days.get(rule.code, rule.days)) for rule in RULES)


def _expired(rule: Rule, now: datetime) -> Select[Any] | None:
    cutoff = now - timedelta(days=rule.days)
    if rule.code == "chat_message_text":
        return select(InboundMessage.id).where(
            InboundMessage.received_at < cutoff,
            or_(InboundMessage.content.is_not(None), InboundMessage.reply_xml.is_not(None)))
    if rule.code == "chat_message_log":
        return select(InboundMessage.id).where(InboundMessage.received_at < cutoff)
    if rule.code == "notifications_done":
        return select(Notification.id).where(Notification.status.in_(DONE_NOTIFICATIONS),
                                             Notification.updated_at < cutoff)
    if rule.code == "login_records":
        return select(ApiToken.id).where(or_(ApiToken.expires_at < cutoff, ApiToken.revoked_at < cutoff))
    if rule.code == "help_requests_closed":
        return select(HelpRequest.id).where(HelpRequest.status.in_(FINAL_HELP_STATUSES),
                                            HelpRequest.updated_at < cutoff,
                                            HelpRequest.redacted_at.is_(None))
    return None


def _apply(session: Session, rule: Rule, ids: list[int], now: datetime) -> int:
    if rule.code == "chat_message_text":
        session.execute(update(InboundMessage).where(InboundMessage.id.in_(ids))
                        .values(content=None, reply_xml=None))
    elif rule.code == "chat_message_log":
        session.execute(delete(InboundMessage).where(InboundMessage.id.in_(ids)))
    elif rule.code == "notifications_done":
        session.execute(delete(Notification).where(Notification.id.in_(ids)))
    elif rule.code == "login_records":
        session.execute(delete(ApiToken).where(ApiToken.id.in_(ids)))
    elif rule.code == "help_requests_closed":
        redact_help_requests(session, ids=ids, now=now)
    return len(ids)


def count_expired(session: Session, *, rule: Rule, now: datetime) -> int:
    """Count the rows a rule would delete or clear now."""
    stmt = _expired(rule, now)
    if stmt is None:
        return 0
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def apply_rule_batch(session: Session, *, rule: Rule, now: datetime, batch_size: int = BATCH) -> int:
    """Delete or clear up to `batch_size` expired rows of one rule; return how many."""
    stmt = _expired(rule, now)
    if stmt is None:
        return 0
    ids: list[int] = list(session.scalars(stmt.order_by(stmt.selected_columns[0]).limit(batch_size)))
    if not ids:
        return 0
    session.expire_all()
    return _apply(session, rule, ids, now)


def claim_run(session: Session, *, now: datetime, kind: str) -> RetentionRun | None:
    """Record the start of a run; None when today's scheduled run was already claimed."""
    run = RetentionRun(day=now.astimezone(LOCAL_TZ).date(), kind=kind, started_at=now)
    try:
        with session.begin_nested():
            session.add(run)
    except IntegrityError:
        return None
    return run


UnitOfWork = Callable[[], AbstractContextManager[Session]]


def enforce_retention(unit_of_work: UnitOfWork, *, now: datetime, dry_run: bool = False,
                      kind: str = "scheduled", batch_size: int = BATCH) -> dict[str, Any] | None:
    """Apply every rule in batches (each its own unit of work); return counts, None if already run."""
    active = rules()
    if dry_run:
        with unit_of_work() as s:
            return {r.code: count_expired(s, rule=r, now=now) for r in active}
    with unit_of_work() as s:
        run = claim_run(s, now=now, kind=kind)
        run_id = run.id if run is not None else None
    if run_id is None:
        logger.info("retention: today's run was already done")
        return None
    counts: dict[str, Any] = {}
    for rule in active:
        counts[rule.code] = 0
        while True:
            with unit_of_work() as s:
                done = apply_rule_batch(s, rule=rule, now=now, batch_size=batch_size)
            counts[rule.code] += done
            if done < batch_size:
                break
    with unit_of_work() as s:
        finished = s.get(RetentionRun, run_id)
        assert finished is not None
        finished.finished_at, finished.counts = clock.now(), counts
    logger.info("retention run %s done: %s", run_id, counts)
    return counts


def list_runs(session: Session, *, limit: int = 30) -> list[RetentionRun]:
    """Return the latest retention runs, newest first."""
    return list(session.scalars(select(RetentionRun).order_by(RetentionRun.id.desc()).limit(limit)))

"""What a request means in plain words, and what each kind of reader may see of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock, crypto
from models.help_requests import CATEGORY_NAMES, LAYER_NAMES, HelpRequest, HelpRequestEvent
from models.person import Person
from services.access.audit import record_access

STATUS_WORDS = {
    "submitted": "已收到，正在等工作人员受理",
    "accepted": "工作人员已受理",
    "assigned": "已安排人帮您",
    "in_progress": "正在为您办理",
    "resolved": "已办好",
    "closed": "已办结",
    "cancelled": "已取消",
    "rejected": "没有受理",
    "referred": "已转给其他单位办理",
}
SENSITIVE_FIELDS = ("description", "address", "place", "contact_phone")


def _when(moment: datetime) -> str:
    local = moment.astimezone(clock.LOCAL_TZ)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def _helper(help_request: HelpRequest) -> str:
    if help_request.assignee_person_id is not None:
        return "负责的同志"
    if help_request.organisation is not None:
        return help_request.organisation.name
    return "工作人员"


def _next_step(help_request: HelpRequest) -> str:
    status = help_request.status
    if status == "submitted":
        if help_request.urgency == "emergency":
            return "工作人员马上联系您。有危险请先打120、110或119。"
        return f"工作人员会在{_when(help_request.accept_due_at)}前联系您。"
    if status in ("accepted", "referred"):
        return f"{_helper(help_request)}会尽快联系您，请保持电话畅通。"
    if status in ("assigned", "in_progress"):
        return f"{_helper(help_request)}会联系您，办好后会告诉您。"
    if status in ("resolved", "closed") and help_request.rating is None:
        return "请给这次服务打个分：回复1到5分。"
    if status == "rejected":
        return f"原因：{help_request.rejection_reason or '未说明'}。有疑问请打社区电话。"
    if status in ("resolved", "closed"):
        return "谢谢您的评价。"
    return "如还需要帮助，请再告诉我们。"


STATUS_SHORT = {
    "submitted": "已提交", "accepted": "已受理", "assigned": "已派单", "in_progress": "办理中",
    "resolved": "已办好", "closed": "已办结", "cancelled": "已取消", "rejected": "不予受理",
    "referred": "已转介",
}


def notice_facts(session: Session, *, help_request: HelpRequest) -> dict[str, str]:
    """The facts every notice about a request carries: code, who, what, where, phone, next step.

    For staff and family (who must act or call back); residents' own notices use the
    code, status and next step only.
    """
    person = session.get(Person, help_request.beneficiary_id)
    first = help_request.description.split("\n")[0].strip()
    where = help_request.place or help_request.address or (person.address if person else None)
    return {
        "code": help_request.code,
        "who": person.masked_name if person else "未登记的居民",
        "what": f"{CATEGORY_NAMES[help_request.category]}：{first}",
        "place": where or "地点未知，请回电问清",
        "phone": help_request.contact_phone or (person.phone if person and person.phone else "")
        or "未留电话",
        "status": STATUS_SHORT[help_request.status],
        "next": _next_step(help_request),
    }


def describe_for_requester(help_request: HelpRequest) -> str:
    """Say in plain words where a request stands and what happens next."""
    category = CATEGORY_NAMES[help_request.category]
    return (
        f"求助{help_request.code}（{category}）\n"
        f"现在：{STATUS_WORDS[help_request.status]}\n"
        f"下一步：{_next_step(help_request)}"
    )


def timeline(session: Session, *, help_request: HelpRequest, with_actor: bool) -> list[dict[str, Any]]:
    """Return a request's timeline, oldest first."""
    stmt = select(HelpRequestEvent).where(HelpRequestEvent.request_id == help_request.id)
    return [
        {"at": e.at.isoformat(), "kind": e.kind, "from": e.from_status, "to": e.to_status,
         "note": e.note, **({"actor_id": e.actor_id} if with_actor else {})}
        for e in session.scalars(stmt.order_by(HelpRequestEvent.id))
    ]


def summary_json(help_request: HelpRequest) -> dict[str, Any]:
    """Return the fields anyone who may see a request may see (no personal data)."""
    organisation = help_request.organisation
    return {
        "id": help_request.id,
        "code": help_request.code,
        "category": help_request.category,
        "category_name": CATEGORY_NAMES[help_request.category],
        "urgency": help_request.urgency,
        "layer": help_request.layer,
        "layer_name": LAYER_NAMES.get(help_request.layer or "", "未分层"),
        "status": help_request.status,
        "status_text": STATUS_WORDS[help_request.status],
        "next_step": _next_step(help_request),
        "community_id": help_request.community_id,
        "organisation": organisation.name if organisation else None,
        "needs_human": help_request.needs_human,
        "created_at": help_request.created_at.isoformat(),
        "accept_due_at": help_request.accept_due_at.isoformat(),
        "resolve_due_at": help_request.resolve_due_at.isoformat(),
        "rating": help_request.rating,
        "followup_answer": help_request.followup_answer,
    }


def present_help_request(
    session: Session, *, actor: Person, help_request: HelpRequest, relation: str
) -> dict[str, Any]:
    """Return a request as `relation` may see it; audit every read by someone else."""
    body = summary_json(help_request)
    masked = relation == "assignee" and not actor.has_role("staff")
    body.update(
        description=help_request.description,
        address=help_request.address,
        place=help_request.place,
        contact_phone=crypto.mask_phone(help_request.contact_phone) if masked
        else help_request.contact_phone,
        rejection_reason=help_request.rejection_reason,
        feedback_comment=help_request.feedback_comment,
        timeline=timeline(session, help_request=help_request, with_actor=relation != "requester"),
    )
    if relation != "requester":
        fields = [f for f in SENSITIVE_FIELDS if not (masked and f == "contact_phone")]
        record_access(session, actor_id=actor.id, action="read", subject_type="help_request",
                      subject_id=help_request.id, fields=fields, detail={"as": relation})
    return body


def alert_call_backs(session: Session, *, actor: Person,
                     alerts: list[Any]) -> dict[int, dict[str, Any]]:
    """For alerts about help requests: where the need is now and the phone to call back.

    Read at the moment (a place told after the alert shows at once); each read audited.
    """
    wanted = {a.subject_id: a.id for a in alerts
              if a.subject_type == "help_request" and a.subject_id is not None}
    if not wanted:
        return {}
    found: dict[int, dict[str, Any]] = {}
    for help_request in session.scalars(select(HelpRequest).where(HelpRequest.id.in_(wanted))):
        person = session.get(Person, help_request.beneficiary_id)
        phone = help_request.contact_phone or (person.phone if person else None)
        found[wanted[help_request.id]] = {
            "request_id": help_request.id, "code": help_request.code,
            "place": help_request.place or help_request.address
            or (person.address if person else None), "phone": phone}
        record_access(session, actor_id=actor.id, action="read", subject_type="help_request",
                      subject_id=help_request.id, fields=["place", "contact_phone"],
                      detail={"as": "alert"})
    return found

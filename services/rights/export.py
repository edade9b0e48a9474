"""Access (PIPL art. 45): everything Linli stores about a person, as one JSON document.

`SOURCES` names, per table, the columns that make a row the person's own; the
export reads exactly those rows. Every other column pointing at a person is in
`NOT_SUBJECT` with the reason it does not make the row theirs (the row is
someone else's and the person only acted on it). `tests/integration/
test_data_rights.py` walks `Base.metadata` and fails for a person column in
neither, so a new table is covered before it ships.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from core import clock, crypto
from core.errors import NotFound
from models.base import Base
from models.person import Person
from services.access.checks import can_act_for

# Security material, not information about the person: never exported.
SECRET_COLUMNS = frozenset({
    "name_bidx", "phone_bidx", "id_number_bidx", "token_hash", "session_key", "password_hash",
    "claim_token", "request_hash", "oa_openid", "mp_openid", "unionid",
})


@dataclass(frozen=True)
class Source:
    """One table in the export: its section name and the columns that make a row the person's."""

    table: str
    section: str
    subject: tuple[str, ...]
    what: str  # 中文: what the section holds (also the chat's summary)


SOURCES: tuple[Source, ...] = (
    Source("persons", "profile", ("id",), "基本资料"),
    Source("person_roles", "roles", ("person_id",), "身份"),
    Source("consents", "consents", ("person_id",), "授权记录"),
    Source("proxies", "proxies", ("principal_id", "agent_id"), "家人代办"),
    Source("meal_bookings", "meal_bookings", ("person_id",), "订餐记录"),
    Source("help_requests", "help_requests", ("requester_id", "on_behalf_of_id"), "求助"),
    Source("service_records", "service_records", ("volunteer_id", "beneficiary_id"), "志愿服务记录"),
    Source("volunteer_profiles", "volunteer_profile", ("person_id",), "志愿者登记"),
    Source("points_accounts", "points_account", ("person_id",), "积分账户"),
    Source("redemptions", "redemptions", ("person_id",), "积分兑换"),
    Source("activity_signups", "activity_signups", ("volunteer_id",), "活动报名"),
    Source("notifications", "notifications", ("person_id",), "发给您的消息"),
    Source("inbound_messages", "chat_messages", ("person_id",), "您发来的消息"),
    Source("tier_decisions", "tier_decisions", ("person_id",), "困难类别核对"),
    Source("risk_alerts", "risk_alerts", ("person_id",), "关怀提醒"),
    Source("api_tokens", "logins", ("person_id",), "登录记录"),
    Source("subscribe_credits", "subscribe_credits", ("person_id",), "订阅消息授权"),
    Source("service_windows", "service_windows", ("person_id",), "客服消息窗口"),
    Source("staff_accounts", "staff_account", ("person_id",), "工作人员账号"),
    Source("erasure_requests", "erasure_requests", ("person_id",), "注销申请"),
    Source("idempotency_records", "request_replays", ("person_id",), "请求回放记录"),
    Source("standing_orders", "standing_orders", ("person_id",), "长期订餐"),
    Source("household_checks", "household_checks", ("household_id",), "家庭经济状况核对（户主）"),
    Source("household_check_items", "household_check_items", ("person_id",), "核对中记录的本人收入、财产和情况"),
    Source("fund_donations", "donations", ("donor_person_id",), "慈善捐款"),
)

# Person columns that do not make a row the person's own, and why.
NOT_SUBJECT: dict[str, str] = {
    "standing_orders.created_by_id": "设置长期订餐的人（家人或工作人员）；订单属于吃饭的人",
    "standing_orders.ended_by_id": "停掉长期订餐的人；订单属于吃饭的人",
    "policy_entries.updated_by_id": "编辑政策问答的工作人员；不是关于某位居民的信息",
    "assistance_layer_rules.changed_by_id": "改救助层级规则的工作人员；不是关于某位居民的信息",
    "persons.tier_verified_by_id": "核对人（工作人员）；行属于被核对的居民",
    "meal_bookings.booked_by_id": "代订的人；订餐属于吃饭的人（其本人导出里有）",
    "meal_bookings.marked_by_id": "标记就餐的助餐点人员",
    "help_requests.assignee_person_id": "承办人；求助属于求助人和被帮助的人",
    "help_request_events.actor_id": "时间线随求助一起导出（help_requests.timeline）",
    "service_records.decided_by_id": "确认服务的人；记录属于志愿者和服务对象",
    "volunteer_profiles.verified_by_id": "审核志愿者的工作人员",
    "points_postings.created_by_id": "记账的工作人员；积分明细随积分账户导出",
    "activities.created_by_id": "机构发布的活动，不是个人信息",
    "tier_decisions.verified_by_id": "核对人（工作人员）",
    "risk_alerts.acknowledged_by_id": "处理提醒的工作人员",
    "audit_log.actor_id": "工作人员自己的查阅留痕；谁查阅了您的资料见 access_log",
    "aid_resources.created_by_id": "录入救助资源的工作人员",
    "erasure_requests.decided_by_id": "确认注销的工作人员",
    "inbound_messages.openid": "按 person_id 导出；未登记的人发来的消息没有 person_id",
    "household_checks.created_by_id": "做核对的工作人员",
    "household_checks.decided_by_id": "确认核对结果的工作人员",
    "assistance_lines.created_by_id": "录入本县救助标准的主管；不是关于某位居民的信息",
    "charity_funds.created_by_id": "设立基金的慈善组织人员；基金属于组织",
    "fund_donations.recorded_by_id": "登记捐款的人员；捐款属于捐赠人",
    "fund_postings.created_by_id": "记账的人；基金账目属于基金",
    "fund_project_payments.recorded_by_id": "登记项目支出的人员；支出属于基金",
    "filing_batches.created_by_id": "生成报送批次的工作人员",
}
PROXY_SECTIONS = ("profile", "meal_bookings", "help_requests")
PROXY_PROFILE = ("id", "name", "community_id")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(session: Session, table: Table, source: Source, person_id: int) -> list[dict[str, Any]]:
    """Read a table's rows that are the person's, through the ORM types (so decrypted)."""
    mapper = next(m for m in Base.registry.mappers if m.local_table is table)
    model = mapper.class_
    where = or_(*(getattr(model, column) == person_id for column in source.subject))
    key = [getattr(model, c.name) for c in table.primary_key.columns]
    out = []
    for obj in session.scalars(select(model).where(where).order_by(*key)):
        out.append({c.key: _plain(getattr(obj, c.key)) for c in mapper.column_attrs
                    if c.key not in SECRET_COLUMNS})
    return out


def _timelines(session: Session, requests: list[dict[str, Any]], person_id: int) -> None:
    from models.help_requests import HelpRequestEvent

    ids = [r["id"] for r in requests]
    events: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if ids:
        stmt = (select(HelpRequestEvent).where(HelpRequestEvent.request_id.in_(ids))
                .order_by(HelpRequestEvent.id))
        for e in session.scalars(stmt):
            who = "本人" if e.actor_id == person_id else ("系统" if e.actor_id is None else "工作人员")
            events[e.request_id].append({"at": _plain(e.at), "kind": e.kind, "from": e.from_status,
                                         "to": e.to_status, "note": e.note, "by": who})
    for r in requests:
        r["timeline"] = events[r["id"]]
        if r["requester_id"] != person_id:  # a relative filed it: their phone is theirs, masked
            r["contact_phone"] = crypto.mask_phone(r["contact_phone"]) if r["contact_phone"] else None


def _points_entries(session: Session, account: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from models.volunteers import PointsEntry, PointsPosting

    if not account:
        return []
    stmt = (select(PointsEntry, PointsPosting).join(PointsPosting, PointsPosting.id == PointsEntry.posting_id)
            .where(PointsEntry.account_id == account[0]["id"]).order_by(PointsEntry.id))
    return [{"at": _plain(e.created_at), "amount": e.amount, "kind": p.kind, "memo": p.memo}
            for e, p in session.execute(stmt)]


def _access_log(session: Session, person_id: int) -> list[dict[str, Any]]:
    from models.audit import AuditEntry

    stmt = (select(AuditEntry).where(AuditEntry.subject_type == "person",
                                     AuditEntry.subject_id == person_id).order_by(AuditEntry.id))
    return [{"at": _plain(a.at), "action": a.action, "fields": a.fields, "by": "工作人员"}
            for a in session.scalars(stmt)]


def _collect(session: Session, person_id: int, sections: tuple[str, ...] | None) -> dict[str, Any]:
    tables = Base.metadata.tables
    out: dict[str, Any] = {}
    for source in SOURCES:
        if sections is None or source.section in sections:
            out[source.section] = _rows(session, tables[source.table], source, person_id)
    if "help_requests" in out:
        _timelines(session, out["help_requests"], person_id)
    if sections is None:
        out["points_entries"] = _points_entries(session, out["points_account"])
        out["access_log"] = _access_log(session, person_id)
    out["profile"] = out["profile"][0] if out.get("profile") else None
    return out


def export_person_data(session: Session, *, person: Person) -> dict[str, Any]:
    """Return everything stored about the person, decrypted, for them alone."""
    return {"person_id": person.id, "generated_at": _plain(clock.now()), "scope": "self",
            "sections": _collect(session, person.id, None)}


def export_principal_data(session: Session, *, agent: Person, principal_id: int) -> dict[str, Any]:
    """Return what a family proxy may see of their principal: bookings and help requests."""
    if agent.id == principal_id or not can_act_for(session, agent=agent, principal_id=principal_id):
        raise NotFound()
    sections = _collect(session, principal_id, PROXY_SECTIONS)
    profile = sections["profile"] or {}
    sections["profile"] = {k: profile.get(k) for k in PROXY_PROFILE}
    return {"person_id": principal_id, "generated_at": _plain(clock.now()), "scope": "proxy",
            "sections": sections}


def describe_kept_data(session: Session, *, person: Person) -> str:
    """Say in short lines what is kept about the person and how to get a copy."""
    sections = _collect(session, person.id, None)
    lines = ["我们为您保存了这些信息："]
    n = 0
    for source in SOURCES:
        rows = sections.get(source.section)
        if source.section in ("profile", "request_replays", "service_windows") or not rows:
            continue
        n += 1
        lines.append(f"{n}. {source.what} {len(rows)}条")
    lines.insert(1, "· 基本资料（姓名、电话、住址等，已加密保存）")
    lines.append("要一份完整的副本：打开小程序“我的—我的数据”。")
    lines.append("资料不对：在小程序“我的资料”里改。要注销：回复“注销”。")
    return "\n".join(lines)

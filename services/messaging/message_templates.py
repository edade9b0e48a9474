"""Linli's message kinds mapped, as data, to WeChat subscribe and template messages.

Each Linli template names a subscribe template (订阅通知) and a template
message (模板消息) with their field layouts. A field is (WeChat key, kind,
source): the source is a payload key, "text" (the notification's own text)
or "due" (when it is due). Kinds carry WeChat's length limits; a `thing`
holds at most 20 characters. The ids below are the demo account's; a real
account sets its own in WECHAT_TEMPLATE_IDS-style configuration later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from core.clock import LOCAL_TZ, as_aware

Field = tuple[str, str, str]

# WeChat's limits per field kind (characters).
FIELD_LIMITS = {
    "thing": 20, "name": 10, "phrase": 5, "character_string": 32, "number": 32,
    "letter": 32, "symbol": 5, "phone_number": 17, "amount": 32, "time": 32, "date": 32,
}


@dataclass(frozen=True)
class ChannelTemplate:
    """How one Linli message kind looks as a subscribe and as a template message."""

    subscribe_id: str | None
    template_id: str | None
    fields: tuple[Field, ...]
    page: str | None = None


def _layout(kind: str, *fields: Field, page: str | None = None,
            subscribe: bool = True) -> ChannelTemplate:
    return ChannelTemplate(f"sub_{kind}" if subscribe else None, f"tpl_{kind}", fields, page=page)


# Every message kind Linli sends, with the facts it must carry (docs/notices.md). Each fact
# has its own field so that WeChat's limits (`thing` ≤ 20 characters) cut nothing that
# matters: the code is a `character_string` (≤ 32), a phone a `phone_number`, a name a
# `name`, a status a `phrase` (≤ 5). The customer-service text carries the same facts.
TEMPLATES: dict[str, ChannelTemplate] = {
    # To staff and the county duty queue: act now, call back.
    "help_emergency": _layout(
        "help_emergency", ("character_string1", "character_string", "code"),
        ("name2", "name", "who"), ("thing3", "thing", "what"), ("thing4", "thing", "place"),
        ("phone_number5", "phone_number", "phone"), page="pages/staff/requests"),
    # To the family members acting for the person.
    "help_emergency_family": _layout(
        "help_emergency_family", ("character_string1", "character_string", "code"),
        ("name2", "name", "who"), ("thing3", "thing", "what"), ("thing4", "thing", "place"),
        ("thing5", "thing", "next"), page="pages/help/index"),
    "help_human": _layout(
        "help_human", ("character_string1", "character_string", "code"),
        ("name2", "name", "who"), ("thing3", "thing", "what"),
        ("phone_number4", "phone_number", "phone"), ("time5", "time", "due"),
        page="pages/staff/requests"),
    "help_assigned": _layout(
        "help_assigned", ("character_string1", "character_string", "code"),
        ("thing2", "thing", "what"), ("name3", "name", "who"), ("time4", "time", "when"),
        page="pages/staff/requests"),
    "help_referred": _layout(
        "help_referred", ("character_string1", "character_string", "code"),
        ("thing2", "thing", "what"), ("name3", "name", "who"), ("time4", "time", "when"),
        ("thing5", "thing", "next"), page="pages/staff/requests"),
    "help_referral_declined": _layout(
        "help_referral_declined", ("character_string1", "character_string", "code"),
        ("name2", "name", "who"), ("thing3", "thing", "what"), page="pages/staff/requests"),
    "charity_consent": _layout(
        "charity_consent", ("character_string1", "character_string", "code"),
        ("thing2", "thing", "who"), ("thing3", "thing", "next"), page="pages/help/index"),
    "help_consent_answered": _layout(
        "help_consent_answered", ("character_string1", "character_string", "code"),
        ("phrase2", "phrase", "status"), ("thing3", "thing", "next"),
        page="pages/staff/requests"),
    "help_overdue": _layout(
        "help_overdue", ("character_string1", "character_string", "code"),
        ("thing2", "thing", "what"), ("time3", "time", "when"), ("name4", "name", "who"),
        page="pages/staff/requests"),
    "help_status": _layout(
        "help_status", ("character_string1", "character_string", "code"),
        ("phrase2", "phrase", "status"), ("thing3", "thing", "next"), ("time4", "time", "due"),
        page="pages/help/index"),
    "help_feedback": _layout(
        "help_feedback", ("character_string1", "character_string", "code"),
        ("thing2", "thing", "next"), page="pages/help/index"),
    # 回访 30 days after: the question to the resident; "更难了" to the community's staff.
    "help_followup": _layout(
        "help_followup", ("character_string1", "character_string", "code"),
        ("thing2", "thing", "next"), page="pages/help/index"),
    "help_followup_worse": _layout(
        "help_followup_worse", ("character_string1", "character_string", "code"),
        ("name2", "name", "who"), ("thing3", "thing", "what"), page="pages/staff/requests"),
    "alert_escalated": _layout(
        "alert_escalated", ("phrase1", "phrase", "level"),
        ("character_string2", "character_string", "code"), ("thing3", "thing", "what"),
        ("name4", "name", "who"), ("time5", "time", "when"), page="pages/staff/alerts"),
    "welfare_check": _layout(
        "welfare_check", ("name1", "name", "who"), ("thing2", "thing", "place"),
        ("thing3", "thing", "what"), ("time4", "time", "due")),
    "tier_review_due": _layout(
        "tier_review_due", ("name1", "name", "who"), ("thing2", "thing", "tier"),
        ("date3", "date", "when"), page="pages/staff/tiers"),
    "household_signal": _layout(
        "household_signal", ("phrase1", "phrase", "level"), ("thing2", "thing", "what"),
        ("name3", "name", "who"), ("time4", "time", "when"), page="pages/staff/alerts"),
    # To residents and the family acting for them.
    "meal_booking": _layout(
        "meal_booking", ("thing1", "thing", "meal"), ("thing2", "thing", "canteen"),
        ("phrase3", "phrase", "how"), ("amount4", "amount", "amount"),
        ("thing5", "thing", "next"), page="pages/meals/index"),
    "standing_order": _layout(
        "standing_order", ("name1", "name", "who"), ("thing2", "thing", "what"),
        ("thing3", "thing", "canteen"), page="pages/meals/index"),
    "standing_order_missed": _layout(
        "standing_order_missed", ("thing1", "thing", "meal"), ("thing2", "thing", "canteen"),
        ("thing3", "thing", "what"), ("thing4", "thing", "next"), page="pages/meals/index"),
    "standing_order_missed_staff": _layout(
        "standing_order_missed_staff", ("name1", "name", "who"), ("thing2", "thing", "meal"),
        ("thing3", "thing", "canteen"), ("thing4", "thing", "what"), ("thing5", "thing", "next"),
        page="pages/staff/residents"),
    "meal_reminder": _layout(
        "meal_reminder", ("thing1", "thing", "meal"), ("date2", "date", "when"),
        ("thing3", "thing", "menu"), ("thing4", "thing", "how"), page="pages/meals/index"),
    "home_located": _layout(
        "home_located", ("thing1", "thing", "what"), ("thing2", "thing", "next"),
        page="pages/me/index"),
    "proxy_invited": _layout(
        "proxy_invited", ("name1", "name", "who"), ("thing2", "thing", "next")),
    "proxy_accepted": _layout(
        "proxy_accepted", ("name1", "name", "who"), ("phrase2", "phrase", "status")),
    "proxy_declined": _layout(
        "proxy_declined", ("name1", "name", "who"), ("phrase2", "phrase", "status")),
    "service_confirm": _layout(
        "service_confirm", ("thing1", "thing", "service"), ("name2", "name", "who"),
        ("time3", "time", "when"), ("thing4", "thing", "next"), page="pages/volunteer/records"),
    "service_decided": _layout(
        "service_decided", ("thing1", "thing", "service"), ("phrase2", "phrase", "status"),
        ("number3", "number", "points"), page="pages/volunteer/records"),
    "volunteer_verified": _layout(
        "volunteer_verified", ("phrase1", "phrase", "status"), ("thing2", "thing", "next"),
        page="pages/volunteer/index"),
    "activity_reminder": _layout(
        "activity_reminder", ("thing1", "thing", "activity"), ("time2", "time", "when"),
        ("thing3", "thing", "place"), ("thing4", "thing", "next"), page="pages/activities/index"),
    "activity_changed": _layout(
        "activity_changed", ("thing1", "thing", "activity"), ("time2", "time", "when"),
        ("thing3", "thing", "place"), page="pages/activities/index"),
    "activity_cancelled": _layout(
        "activity_cancelled", ("thing1", "thing", "activity"), ("time2", "time", "when"),
        ("thing3", "thing", "reason"), page="pages/activities/index"),
    "reward_redeemed": _layout(
        "reward_redeemed", ("thing1", "thing", "reward"), ("number2", "number", "points"),
        ("thing3", "thing", "place"), page="pages/volunteer/points"),
    # To canteen operators.
    "kitchen_summary": _layout(
        "kitchen_summary", ("thing1", "thing", "canteen"), ("thing2", "thing", "meal"),
        ("number3", "number", "count"), ("thing4", "thing", "what"), subscribe=False),
    # A reply to the person's own question: only inside the 48-hour window.
    "cs_reply": ChannelTemplate(None, None, (("thing1", "thing", "text"),)),
}
# Kinds we do not know go out as a plain notice.
GENERIC = ChannelTemplate(None, "tpl_generic_notice",
                          (("thing1", "thing", "text"), ("time2", "time", "due")))


# Reminders that mean nothing once their moment has passed (sent late, they mislead).
STALE_AFTER = {
    "meal_reminder": timedelta(hours=12),
    "activity_reminder": timedelta(hours=6),
    "kitchen_summary": timedelta(hours=6),
}


def day_words(day: date) -> str:
    """A date as a notice says it: 2026年12月9日 (no leading zeros, read aloud easily)."""
    return f"{day.year}年{day.month}月{day.day}日"


def moment_words(moment: datetime) -> str:
    """A moment in Shanghai time as a notice says it: 2026年12月9日 09:00."""
    local = as_aware(moment).astimezone(LOCAL_TZ)
    return f"{day_words(local.date())} {local:%H:%M}"


def is_stale(template: str, due_at: datetime, *, now: datetime) -> bool:
    """Tell whether a notification of this kind is too late to be worth sending."""
    limit = STALE_AFTER.get(template)
    return limit is not None and as_aware(due_at) + limit < now


def channel_template(template: str) -> ChannelTemplate:
    """Return the WeChat layout for a Linli message kind."""
    return TEMPLATES.get(template, GENERIC)


def fit(value: str, kind: str) -> str:
    """Cut a value to its field's WeChat limit, marking the cut with an ellipsis."""
    limit = FIELD_LIMITS.get(kind, 20)
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def render_fields(
    layout: ChannelTemplate, *, text: str, payload: dict[str, Any], due_at: datetime
) -> dict[str, str]:
    """Fill a layout's fields from a notification, within WeChat's limits."""
    due = moment_words(due_at)
    data: dict[str, str] = {}
    for key, kind, source in layout.fields:
        if source == "due":
            value = due
        elif source == "text" or not payload.get(source):
            value = due if kind in ("time", "date") else text
        else:
            value = str(payload[source])
        data[key] = fit(value or "—", kind)
    return data

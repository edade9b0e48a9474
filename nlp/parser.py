"""parse(text, now): normalize, check for an emergency, score intents, read slots."""

from __future__ import annotations

import datetime as dt
import re

from nlp.dates import bare_clock_time, resolve_date
from nlp.durations import find_hours
from nlp.emergency import emergency_category
from nlp.fallback import guess_intent
from nlp.help_category import help_category
from nlp.intents import Evidence, confidence, rank, score_intents
from nlp.meals import find_count, find_delivery, find_meal
from nlp.normalize import drop_contradicted, normalize
from nlp.result import Parse, SlotValue
from nlp.tokenizer import tokens
from nlp.topics import find_topic, may_name_topic

SLOTS_BY_INTENT: dict[str, tuple[str, ...]] = {
    "meal_book": ("date", "meal", "count", "delivery"),
    "meal_cancel": ("date", "meal"),
    "meal_menu": ("date", "meal"),
    "service_log": ("date", "hours"),
    "activity_signup": ("date",),
    "help_request": ("urgency", "category"),
    "policy_faq": ("topic",),
}
MAX_ALTERNATIVES = 3
_POINTS_RE = re.compile(r"积分|时间银行")
FALLBACK_CONFIDENCE = 0.5  # a guess from the classifier is never as sure as a rule


def parse(text: str, now: dt.datetime) -> Parse:
    """Return the intent and LABELS.md slots of one message received at `now`."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    full = normalize(text if isinstance(text, str) else str(text))
    body = drop_contradicted(full)
    evidence = _evidence(full, body)
    scores = score_intents(body, evidence)
    ranked = rank(scores)
    emergency = emergency_category(body)
    if emergency is not None:
        others = [(i, s) for i, s in ranked if i not in ("help_request", "unknown")]
        slots: dict[str, SlotValue] = {"urgency": "emergency"}
        if emergency:  # 救命 / 快来人 alone state no need: no category
            slots["category"] = emergency
        return Parse("help_request", slots, 1.0, _alternatives([("help_request", 1.0), *others]))
    intent, sure = ranked[0][0], confidence(ranked)
    if (
        intent == "unknown"
        and scores.get("unknown", 0.0) == 0.0  # no out-of-scope cue (天气, 股票) fired
        and (guess := guess_intent(body)) is not None
        and guess[0] != "unknown"
    ):
        # No rule found enough evidence: the learned fallback proposes an intent.
        intent, sure = guess[0], round(FALLBACK_CONFIDENCE * guess[1], 3)
        ranked = [(intent, guess[1]), *ranked]
    slots, ambiguous = _read_slots(intent, body, now.date(), evidence.topic)
    return Parse(intent, slots, sure, _alternatives(ranked), ambiguous)


def _evidence(full: str, body: str) -> Evidence:
    # The topic reads the whole message: in 不是订饭 我问补贴 the dropped clause says which subsidy.
    topic, topic_score = find_topic(full, tokens(full)) if may_name_topic(full) else (None, 0.0)
    meal_order = find_meal(body)[0] is not None and (
        find_count(body) is not None or find_delivery(body) is not None
    )
    return Evidence(find_hours(body), topic, topic_score, meal_order)


def _read_slots(
    intent: str, body: str, today: dt.date, topic: str | None
) -> tuple[dict[str, SlotValue], tuple[str, ...]]:
    wanted = SLOTS_BY_INTENT.get(intent, ())
    found: dict[str, SlotValue] = {}
    unsure: list[str] = []
    if "date" in wanted or "meal" in wanted:
        _read_day_and_meal(body, today, intent == "service_log", found, unsure)
    if "count" in wanted and (count := find_count(body)) is not None:
        found["count"] = count
    if "delivery" in wanted and (delivery := find_delivery(body)) is not None:
        found["delivery"] = delivery
    if "hours" in wanted and (hours := find_hours(body)) is not None:
        found["hours"] = hours
    if intent == "help_request":
        found["urgency"] = "normal"
        if (category := help_category(body)) is not None:
            found["category"] = category
    if intent == "policy_faq":
        # A policy question about points names no other programme: it is about volunteer points.
        found["topic"] = topic or ("volunteer_points" if _POINTS_RE.search(body) else "other")
    if wanted and bare_clock_time(body):
        unsure.append("time")
    slots = {k: v for k, v in found.items() if k in wanted}
    return slots, tuple(u for u in unsure if u in slots or u == "time")


def _read_day_and_meal(
    body: str, today: dt.date, past: bool, found: dict[str, SlotValue], unsure: list[str]
) -> None:
    hit, date_unsure = resolve_date(body, today, past)
    meal, meal_unsure = find_meal(body)
    if hit is not None:
        found["date"] = hit.day.isoformat()
        if date_unsure:
            unsure.append("date")
    meal = meal or (hit.meal if hit else None)
    if meal is not None:
        found["meal"] = meal
        if meal_unsure:
            unsure.append("meal")


def _alternatives(ranked: list[tuple[str, float]]) -> tuple[tuple[str, float], ...]:
    total = sum(score for _, score in ranked) or 1.0
    rest = [(name, round(score / total, 3)) for name, score in ranked[1:] if name != ranked[0][0]]
    return tuple(rest[:MAX_ALTERNATIVES])

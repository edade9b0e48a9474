"""parse(text, now): normalize, check for an emergency, score intents, read slots."""

from __future__ import annotations

import datetime as dt
import re

from nlp.dates import bare_clock_time, resolve_date
from nlp.durations import find_hours
from nlp.emergency import EMERGENCY, Danger, assess, hyperbole, time_discounted
from nlp.help_category import help_category
from nlp.intents import Evidence, confidence, rank, score_intents
from nlp.meals import find_count, find_delivery, find_meal
from nlp.model import EMERGENCY_LABEL, NO_CATEGORY, get_category_model, get_model
from nlp.normalize import drop_contradicted, normalize
from nlp.result import DANGER_ASK, Parse, SlotValue
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
# The learned model votes beside the rules: its probability for an intent above
# MODEL_FLOOR, scaled to MODEL_WEIGHT at certainty, is added to that intent's rule
# score (a decisive rule is worth 3–4). Tuned leave-one-writer-out (nlp/train.py).
MODEL_WEIGHT = 4.0
MODEL_FLOOR = 0.3
# The model makes an emergency when it is MODEL_EMERGENCY sure and the lexicons saw at
# least a sign (danger >= MODEL_SIGN), or MODEL_EMERGENCY_ALONE sure with no sign at all.
MODEL_EMERGENCY = 0.7
MODEL_SIGN = 0.2
MODEL_EMERGENCY_ALONE = 0.9


def _fuse(rule_scores: dict[str, float], learned: dict[str, float]) -> dict[str, float]:
    fused = dict(rule_scores)
    for label, p in learned.items():
        if p > MODEL_FLOOR:
            intent = "help_request" if label == EMERGENCY_LABEL else label
            vote = MODEL_WEIGHT * (p - MODEL_FLOOR) / (1 - MODEL_FLOOR)
            fused[intent] = fused.get(intent, 0.0) + vote
    return fused


def parse(text: str, now: dt.datetime) -> Parse:
    """Return the intent and LABELS.md slots of one message received at `now`."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    full = normalize(text if isinstance(text, str) else str(text))
    body = drop_contradicted(full)
    evidence = _evidence(full, body)
    rule_scores = score_intents(body, evidence)
    lexical = assess(body)
    learned = get_model().predict(body) if _model_may_matter(rule_scores, lexical, body) else {}
    scores = _fuse(rule_scores, learned)
    ranked = rank(scores)
    danger = _danger(body, lexical, ranked, learned.get(EMERGENCY_LABEL, 0.0))
    if danger.score >= EMERGENCY:
        others = [(i, s) for i, s in ranked if i not in ("help_request", "unknown")]
        slots: dict[str, SlotValue] = {"urgency": "emergency"}
        if danger.category:  # 救命 / 快来人 alone state no need: no category
            slots["category"] = danger.category
        return Parse(
            "help_request", slots, 1.0, _alternatives([("help_request", 1.0), *others]),
            danger=danger.score,
        )
    intent, sure = ranked[0][0], confidence(ranked)
    slots, ambiguous = _read_slots(intent, body, now.date(), evidence.topic)
    return Parse(intent, slots, sure, _alternatives(ranked), ambiguous, danger.score)


# A message whose rules clearly name a purpose about the past (a service log, a
# policy question, a status check) mentions a danger as its reason, not as news —
# unless something says it is happening now (刚, 突然, 救命).
PURPOSE_SCORE = 3.0
# A booking or a cancel is such a purpose too when it is stated in full (a meal with a
# count or a delivery wish scores this much): 老头子腿摔了 这礼拜天晚饭订两份送上来.
MEAL_PURPOSE_SCORE = 7.0
_PURPOSES = {
    "service_log": PURPOSE_SCORE, "policy_faq": PURPOSE_SCORE, "help_status": PURPOSE_SCORE,
    "meal_book": MEAL_PURPOSE_SCORE, "meal_cancel": MEAL_PURPOSE_SCORE,
}
PURPOSE_FACTOR = 0.6


# A short message whose rules already decide by more than the model's whole vote, and
# in which the lexicons see no danger at all, is not sent to the model (speed).
SHORT_MESSAGE = 12


def _model_may_matter(rule_scores: dict[str, float], lexical: Danger, body: str) -> bool:
    if lexical.score > 0.0 or len(body) > SHORT_MESSAGE:
        return True
    top = sorted(rule_scores.values(), reverse=True)[:2]
    return len(top) < 1 or top[0] - (top[1] if len(top) > 1 else 0.0) <= MODEL_WEIGHT


def _danger(body: str, danger: Danger, ranked: list[tuple[str, float]], learned: float) -> Danger:
    if danger.score >= EMERGENCY or learned < DANGER_ASK:
        pass  # the lexicons decided, or the model hears nothing either
    elif danger.discounted or (danger.score == 0.0 and (time_discounted(body) or hyperbole(body))):
        pass  # past, resolved, hypothetical or 想死你们了: the model's ear does not override it
    elif learned >= MODEL_EMERGENCY_ALONE or (learned >= MODEL_EMERGENCY and danger.score >= MODEL_SIGN):
        danger = Danger(round(max(EMERGENCY, learned), 3), danger.category or "", danger.acute)
    else:
        # The model hears danger the lexicons do not: the bot asks.
        danger = Danger(round(max(danger.score, min(learned, EMERGENCY - 0.01)), 3), danger.category)
    if (
        danger.score >= EMERGENCY
        and not danger.acute
        and ranked[0][1] >= _PURPOSES.get(ranked[0][0], float("inf"))
    ):
        return Danger(round(danger.score * PURPOSE_FACTOR, 3), danger.category)
    return danger


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
    _read_values(body, today, intent, wanted, found, unsure)
    corrections = list(_CORRECTION_RE.finditer(body))
    if corrections and (after := body[corrections[-1].end() :].strip()):
        # 明天 不对 后天 / 订一份…哦不对 两份: what follows the last correction wins.
        fixed: dict[str, SlotValue] = {}
        fixed_unsure: list[str] = []
        _read_values(after, today, intent, wanted, fixed, fixed_unsure)
        found.update(fixed)
        unsure = [u for u in unsure if u not in fixed] + fixed_unsure
    if intent == "help_request":
        found["urgency"] = "normal"
        if (category := _category(body)) is not None:
            found["category"] = category
    if intent == "policy_faq":
        # A policy question about points names no other programme: it is about volunteer points.
        found["topic"] = topic or ("volunteer_points" if _POINTS_RE.search(body) else "other")
    if wanted and bare_clock_time(body):
        unsure.append("time")
    slots = {k: v for k, v in found.items() if k in wanted}
    return slots, tuple(u for u in unsure if u in slots or u == "time")


# The learned category overrules the keyword lists when it is this sure (tuned leave one
# writer out); the lists name the need otherwise.
CATEGORY_SURE = 0.8


def _category(body: str) -> str | None:
    ruled = help_category(body)
    probs = get_category_model().predict(body)
    best = max(probs, key=probs.__getitem__)
    if best == "unknown" or probs[best] < CATEGORY_SURE:
        return ruled
    if best == NO_CATEGORY:
        # "No need stated" may drop a vague `other`, never a need the lists named.
        return ruled if ruled not in (None, "other") else None
    return best


# A speaker correcting themself: LABELS takes the later value.
_CORRECTION_RE = re.compile(
    r"(?:[哦噢]不(?![要用是想行能会好]))|(?:哦|噢|啊|呃|哎)?(?:不对不对|不对|不是不是|说错了|搞错了|弄错了|记错了|改成|改为|应该是|我是说)"
)


def _read_values(
    text: str, today: dt.date, intent: str, wanted: tuple[str, ...],
    found: dict[str, SlotValue], unsure: list[str],
) -> None:
    """Read date, meal, count, delivery and hours from text into found."""
    if "date" in wanted or "meal" in wanted:
        _read_day_and_meal(text, today, intent == "service_log", found, unsure)
    if "count" in wanted and (count := find_count(text)) is not None:
        found["count"] = count
    if "delivery" in wanted and (delivery := find_delivery(text)) is not None:
        found["delivery"] = delivery
    if "hours" in wanted and (hours := find_hours(text)) is not None:
        found["hours"] = hours


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

"""Score every intent for one message and rank them."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from nlp.intent_rules import (
    AFFIRM_WORDS,
    ASK,
    COMPILED,
    DENY_WORDS,
    PARTICLES,
    POLITE_WORDS,
    THIRD_PARTY,
)
from nlp.topics import names_only

INTENTS = (
    "smalltalk", "menu_help", "register", "help_request", "help_status", "meal_book",
    "meal_cancel", "meal_query", "meal_menu", "canteen_nearby", "volunteer_register",
    "service_checkin", "service_checkout", "service_log", "points_query", "points_redeem",
    "activity_list", "activity_signup", "policy_faq", "human_agent", "affirm", "deny", "unknown",
)
MIN_SCORE = 1.2  # below this nothing was really said: unknown
MAX_REPLY_CHARS = 24  # longer messages are never a bare yes / no
MAX_REPLY_PART = 10  # nor is a space-free run longer than this

_ASK_RE = re.compile(ASK)
_PROCEDURE_RE = re.compile(
    r"怎么申请|怎么领|怎么办|怎么弄|如何申请|条件|标准|材料|流程|手续|能报|报销|能领|领多少|"
    r"够不够|符合|资格|政策|规定|能吃|能申请|可以申请|享受|每个月|一年"
)
_ASKING_RE = re.compile(r"问一下|问问|请问|咨询|想了解|打听|想知道|问个事|问下|我问|我想问")
_THIRD_PARTY_RE = re.compile(THIRD_PARTY)
# With a duration, "record it" (登记, 记录, 记上) is a service log, never a profile change.
_RECORD_RE = re.compile(r"登记|记录|记上|记一下|记下")


@dataclass(frozen=True)
class Evidence:
    """Slot-level facts that move intent scores."""

    hours: float | None = None
    topic: str | None = None
    topic_score: float = 0.0
    meal_order: bool = False  # a meal named together with a count or a delivery wish


def score_intents(text: str, evidence: Evidence) -> dict[str, float]:
    """Return a score per intent (only intents with some evidence)."""
    scores: dict[str, float] = defaultdict(float)
    for index in _candidate_rules(text):
        intent, pattern, weight, _ = COMPILED[index]
        if pattern.search(text):
            scores[intent] += weight
    _score_yes_no(text, scores)
    _score_policy(text, evidence, scores)
    if evidence.meal_order:
        scores["meal_book"] += 2.0
    if evidence.hours is not None:
        # A duration is what a service log states; with a third party it is almost sure.
        scores["service_log"] += 3.0 if _THIRD_PARTY_RE.search(text) else 1.5
        if _RECORD_RE.search(text):
            scores["service_log"] += 2.5
    return dict(scores)


def _rule_index() -> tuple[dict[str, tuple[int, ...]], frozenset[int]]:
    by_char: dict[str, list[int]] = defaultdict(list)
    ungated: set[int] = set()
    for index, (_, _, _, gate) in enumerate(COMPILED):
        if gate is None:
            ungated.add(index)
        else:
            for ch in gate:
                by_char[ch].append(index)
    return {ch: tuple(ids) for ch, ids in by_char.items()}, frozenset(ungated)


# Which rules each character can start: a message runs only the rules its characters open.
_RULES_BY_CHAR, _UNGATED_RULES = _rule_index()


def _candidate_rules(text: str) -> set[int]:
    found = set(_UNGATED_RULES)
    lookup = _RULES_BY_CHAR.get
    for ch in set(text):
        ids = lookup(ch)
        if ids:
            found.update(ids)
    return found


def _score_yes_no(text: str, scores: dict[str, float]) -> None:
    # 谢谢 不用了 is still a "no": politeness does not change a yes/no reply.
    if len(text) > MAX_REPLY_CHARS:
        return  # a yes or no is short; skip the word checks on longer messages
    parts = [p for p in map(_strip_polite, text.split()) if p]
    if not parts or any(len(p) > MAX_REPLY_PART for p in parts):
        return  # 那就不要了不要了 is the longest reply word with its trimmings
    if all(_is_word(p, AFFIRM_WORDS) for p in parts):
        scores["affirm"] += 4.0
    elif _is_word(parts[0], DENY_WORDS) and all(
        _is_word(p, DENY_WORDS) or _is_word(p, AFFIRM_WORDS) for p in parts
    ):
        scores["deny"] += 4.5


_POLITE = "|".join(sorted(map(re.escape, POLITE_WORDS), key=len, reverse=True))
_POLITE_AROUND_RE = re.compile(rf"^(?:{_POLITE})?(.+?)(?:{_POLITE})?$")


def _strip_polite(part: str) -> str:
    """Drop politeness stuck to a reply without a space: 不用了谢谢 → 不用了, 那好 → 好."""
    if _is_word(part, POLITE_WORDS):
        return ""
    m = _POLITE_AROUND_RE.match(part)
    return m.group(1) if m else part


# Softeners before a reply: 那就不要了, 先不用了, 还是算了, 我看可以.
_SOFTENER_RE = re.compile(r"^(?:那就|那还是|那先|那我|还是|那|先|暂时|就|我看|我)(?=.)")


def _is_word(part: str, words: frozenset[str]) -> bool:
    if _is_bare_word(part, words):
        return True
    softened = _SOFTENER_RE.sub("", part, count=1)
    return softened != part and _is_bare_word(softened, words)


def _is_bare_word(part: str, words: frozenset[str]) -> bool:
    if len(part) > 2 and len(set(part)) == 1:
        part = part[0]  # 中中中, 好好好
    half = len(part) // 2
    if part not in words and half and part[:half] == part[half:]:
        part = part[:half]  # 不用不用, 好的好的
    while part:
        if part in words:
            return True
        if part[-1] not in PARTICLES:
            return False
        part = part[:-1]
    return False


def _score_policy(text: str, evidence: Evidence, scores: dict[str, float]) -> None:
    asking = bool(_ASKING_RE.search(text))
    if evidence.topic is None:
        return
    score = 1.0 if evidence.topic_score < 1 else 2.0
    cues = 0.0
    if names_only(text):  # a programme's name alone ("医疗救助") asks what it is, not for help
        cues += 3.0
    if _ASK_RE.search(text):
        cues += 2.0
    if _PROCEDURE_RE.search(text):
        cues += 1.5
    if asking:
        cues += 1.5
    # A programme named with no question about it (给低保户送温暖) is not a policy question.
    scores["policy_faq"] += score + cues if cues else score / 2


def rank(scores: dict[str, float]) -> list[tuple[str, float]]:
    """Return intents best first; `unknown` leads when nothing scored enough."""
    ranked = sorted(
        ((i, s) for i, s in scores.items() if s > 0),
        key=lambda item: (-item[1], INTENTS.index(item[0])),
    )
    if not ranked or ranked[0][1] < MIN_SCORE:
        return [("unknown", 1.0)] + [r for r in ranked if r[0] != "unknown"]
    return ranked


def confidence(ranked: list[tuple[str, float]]) -> float:
    """Return a 0–1 confidence from the margin between the top two scores."""
    top = ranked[0][1]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    return round(max(0.05, min(0.99, top / (top + second + 1.0))), 3)

"""Policy topics: alias and word-pair retrieval over staff-editable data (data/topics.json)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TOPICS_FILE = Path(__file__).parent / "data" / "topics.json"
OTHER = "other"
# Words that make a message about *some* policy even if no known topic matches.
_GENERIC_POLICY_RE = re.compile(r"补贴|津贴|补助|政策|待遇|福利|报销|优惠政策|减免|救助金|扶持")


@dataclass(frozen=True)
class Topic:
    """One knowledge-base topic: phrases that name it and word pairs that imply it."""

    name: str
    aliases: tuple[str, ...]
    pairs: tuple[tuple[frozenset[str], frozenset[str]], ...]


@lru_cache(maxsize=1)
def load_topics(path: Path = TOPICS_FILE) -> tuple[Topic, ...]:
    """Read the topic table; keys starting with `_` are comments."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        Topic(
            name=name,
            aliases=tuple(sorted(entry.get("aliases", []), key=len, reverse=True)),
            pairs=tuple((frozenset(a), frozenset(b)) for a, b in entry.get("pairs", [])),
        )
        for name, entry in raw.items()
        if not name.startswith("_")
    )


def _has_any(candidates: frozenset[str], text: str, words: frozenset[str]) -> bool:
    # A one-character word must be a whole token (饭 but not 饭店); longer ones may be inside one.
    return bool(candidates & words) or any(len(c) > 1 and c in text for c in candidates)


def _score(topic: Topic, text: str, words: frozenset[str]) -> float:
    matched = [alias for alias in topic.aliases if alias in text]
    if len(matched) > 1:
        matched = _outermost(matched, text)
    score = sum(2.0 + 0.1 * len(alias) for alias in matched)
    score += sum(1.0 for a, b in topic.pairs if _has_any(a, text, words) and _has_any(b, text, words))
    return score


def _outermost(aliases: list[str], text: str) -> list[str]:
    """Drop an alias found only inside a longer one (低保 in 低保户); aliases are longest first."""
    covered: list[tuple[int, int]] = []
    kept: list[str] = []
    for alias in aliases:
        start = text.find(alias)
        while start != -1:
            end = start + len(alias)
            if not any(a <= start and end <= b for a, b in covered):
                covered.append((start, end))
                kept.append(alias)
                break
            start = text.find(alias, start + 1)
    return kept


@lru_cache(maxsize=1)
def _hint_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    topics = load_topics()
    aliases = {alias for topic in topics for alias in topic.aliases}
    firsts = {word for topic in topics for a, _ in topic.pairs for word in a}
    seconds = {word for topic in topics for _, b in topic.pairs for word in b}
    return tuple(  # type: ignore[return-value]
        re.compile("|".join(sorted(map(re.escape, words), key=len, reverse=True)))
        for words in (aliases, firsts, seconds)
    )


_PARTICLES_RE = re.compile(r"[\s吗呢啊呀吧哈的嘛？?。！!，,]+")


@lru_cache(maxsize=1)
def _all_aliases() -> frozenset[str]:
    return frozenset(alias for topic in load_topics() for alias in topic.aliases)


def names_only(text: str) -> bool:
    """Return True when a message is a programme's name and nothing else ("医疗救助", "特困呢")."""
    said = _PARTICLES_RE.sub("", text).removesuffix("政策")
    return said in _all_aliases()


def may_name_topic(text: str) -> bool:
    """Return True if text could match any topic (cheap check before tokenizing)."""
    aliases, firsts, seconds = _hint_res()
    if aliases.search(text) or _GENERIC_POLICY_RE.search(text):
        return True
    return bool(firsts.search(text) and seconds.search(text))


def find_topic(text: str, words: list[str]) -> tuple[str | None, float]:
    """Return the best topic for text (with its jieba words) and its retrieval score."""
    word_set = frozenset(words)
    best_name, best_score = None, 0.0
    other_score = 0.0
    for topic in load_topics():
        score = _score(topic, text, word_set)
        if topic.name == OTHER:
            other_score = score
        elif score > best_score:
            best_name, best_score = topic.name, score
    # `other` collects programmes without a topic of their own: it never beats one that has.
    if best_name is None and other_score > 0:
        best_name, best_score = OTHER, other_score
    if best_name is None and _GENERIC_POLICY_RE.search(text):
        return "other", 0.5
    return best_name, best_score

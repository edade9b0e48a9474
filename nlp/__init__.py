"""邻里帮 NLU: one Chinese message → one LABELS.md intent and its slots.

    >>> import datetime as dt, zoneinfo
    >>> now = dt.datetime(2026, 11, 29, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    >>> parse("俺明儿个晌午要两份饭 送上来", now).slots
    {'date': '2026-11-30', 'meal': 'lunch', 'count': 2, 'delivery': True}
"""

from __future__ import annotations

from nlp.normalize import clean
from nlp.parser import parse
from nlp.phone import extract_phone as _extract_phone
from nlp.result import Parse
from nlp.tokenizer import get_tokenizer

__all__ = ["Parse", "extract_phone", "parse", "warm_up"]


def warm_up() -> None:
    """Load the private tokenizer, topic table and learned model now rather than
    on the first message that needs them."""
    from nlp.model import get_category_model, get_model
    from nlp.topics import load_topics

    get_tokenizer()
    load_topics()
    get_model()
    get_category_model()


def extract_phone(text: str) -> str | None:
    """Return the first phone number in text as digits (138 1234 5678, 幺三八…), or None."""
    return _extract_phone(clean(text))

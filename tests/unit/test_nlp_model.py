"""The learned intent model: features, the committed file, deterministic training, the danger score."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

from nlp import parse
from nlp.model import EMERGENCY_LABEL, MODEL_FILE, Model, features, get_model
from nlp.train import augment, fit, label_of, training_records

NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_features_are_char_ngrams_with_chunk_edges() -> None:
    feats = features("不要 订饭")
    assert {"不", "^不", "要$", "^不要", "不要$", "订饭", "^订饭", "订饭$"} <= set(feats)
    assert "要 " not in feats and "要订" not in feats  # n-grams stay inside a chunk


def test_the_committed_model_loads_and_knows_every_intent() -> None:
    raw = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    model = get_model()
    assert EMERGENCY_LABEL in model.labels and "meal_book" in model.labels
    assert len(model.labels) == len(raw["bias"]) == 24
    probs = model.predict("帮我订明天中午的饭")
    assert abs(sum(probs.values()) - 1.0) < 1e-6
    assert max(probs, key=probs.get) == "meal_book"


def test_model_round_trips_through_json() -> None:
    model = Model(("a", "b"), (0.1, -0.1), {"x": ((0, 0.5), (1, -0.25))})
    again = Model.from_json(model.to_json())
    assert again == model


def test_training_is_deterministic() -> None:
    records = [
        {"text": "订明天午饭", "intent": "meal_book"},
        {"text": "取消明天午饭", "intent": "meal_cancel"},
        {"text": "我老伴摔倒了起不来", "intent": "help_request", "slots": {"urgency": "emergency"}},
        {"text": "家里没米了", "intent": "help_request", "slots": {"urgency": "normal"}},
    ] * 3
    data = [(features(r["text"]), label_of(r)) for r in records]
    assert fit(data, epochs=3).to_json() == fit(data, epochs=3).to_json()
    assert label_of(records[2]) == EMERGENCY_LABEL and label_of(records[3]) == "help_request"


def test_augmentation_keeps_the_message_recognisable() -> None:
    import random

    rng = random.Random(1)
    variants = {augment("明天午饭帮我订两份 送到家", rng) for _ in range(20)}
    assert len(variants) > 5
    assert all("两" in v for v in variants)


def test_training_never_reads_the_shared_measuring_sets() -> None:
    writers = {r["writer"] for r in training_records()}
    assert "heldout_sets" in writers
    assert not any("dev" in w for w in writers)


def test_parse_fills_danger() -> None:
    assert parse("我老伴突然倒在地上叫不醒", NOW).danger >= 0.7
    assert parse("明天中午订一份饭", NOW).danger < 0.35


def test_the_category_model_names_a_need_or_none() -> None:
    from nlp.model import NO_CATEGORY, get_category_model

    model = get_category_model()
    assert set(model.labels) == {"living", "medical", "housing", "education", "employment", "care",
                                 "other", NO_CATEGORY}
    assert parse("想找人帮我爸洗个澡", NOW).slots["category"] == "care"

"""The shared dev set as a test: intent accuracy >= 97 %, slot F1 >= 95 %."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.evaluate import evaluate, load, render, same_value, slot_counts

DEV = Path("/work/shared/nlu/dev.jsonl")


@pytest.mark.skipif(not DEV.exists(), reason="shared dev set not mounted")
def test_dev_set_meets_targets() -> None:
    report = evaluate(load(DEV))
    assert report.accuracy >= 0.97, render(report)
    assert report.slot_f1 >= 0.95, render(report)


def test_numbers_compare_within_a_hundredth() -> None:
    assert same_value(2, 2.0)
    assert same_value(0.667, 40 / 60)
    assert not same_value(True, 1)
    assert not same_value("2", 2)


def test_slot_counts_follow_labels_scoring() -> None:
    gold = {"date": "2026-12-01", "meal": "lunch", "count": 2}
    got = {"date": "2026-12-01", "meal": "dinner", "delivery": True}
    assert slot_counts(gold, got) == (1, 2, 2)


def test_evaluate_counts_one_record() -> None:
    record = {"text": "订餐", "now": "2026-12-09T09:30:00+08:00", "intent": "meal_book", "slots": {}}
    report = evaluate([record])
    assert (report.accuracy, report.slot_f1, report.misses) == (1.0, 1.0, [])

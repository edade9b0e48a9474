"""Score nlp.parse on a LABELS.md jsonl file: `python -m nlp.evaluate FILE.jsonl`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.parser import parse

NUMBER_TOLERANCE = 0.01


@dataclass
class Report:
    """Counts behind intent accuracy, slot F1 and the per-intent table."""

    total: int = 0
    correct: int = 0
    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    per_intent: Counter[str] = field(default_factory=Counter)
    per_intent_ok: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def slot_f1(self) -> float:
        denominator = 2 * self.true_pos + self.false_pos + self.false_neg
        return 2 * self.true_pos / denominator if denominator else 1.0


def same_value(a: object, b: object) -> bool:
    """Compare slot values; numbers (not booleans) match within NUMBER_TOLERANCE."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= NUMBER_TOLERANCE
    return a == b


def slot_counts(gold: Mapping[str, object], got: Mapping[str, object]) -> tuple[int, int, int]:
    """Return (true positives, false positives, false negatives) for one record."""
    hits = sum(1 for k, v in got.items() if k in gold and same_value(gold[k], v))
    return hits, len(got) - hits, len(gold) - hits


def evaluate(records: Iterable[Mapping[str, Any]]) -> Report:
    """Parse every record and count agreements with its gold labels."""
    report = Report()
    for record in records:
        result = parse(record["text"], dt.datetime.fromisoformat(record["now"]))
        gold_slots = record.get("slots", {})
        tp, fp, fn = slot_counts(gold_slots, result.slots)
        ok = result.intent == record["intent"]
        report.total += 1
        report.correct += ok
        report.true_pos, report.false_pos = report.true_pos + tp, report.false_pos + fp
        report.false_neg += fn
        report.per_intent[record["intent"]] += 1
        report.per_intent_ok[record["intent"]] += ok
        if not ok or fp or fn:
            report.misses.append(
                f"{record['text']}\n    gold {record['intent']} {json.dumps(gold_slots, ensure_ascii=False)}"
                f"\n    got  {result.intent} {json.dumps(result.slots, ensure_ascii=False)}"
            )
    return report


def load(path: Path) -> list[dict[str, Any]]:
    """Read one JSON record per non-empty line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def render(report: Report) -> str:
    """Return the summary, the per-intent table and every miss as text."""
    lines = [
        f"records          {report.total}",
        f"intent accuracy  {report.accuracy:.2%} ({report.correct}/{report.total})",
        f"slot F1          {report.slot_f1:.2%} (tp {report.true_pos}, fp {report.false_pos}, "
        f"fn {report.false_neg})",
        "",
        f"{'intent':<20}{'n':>5}{'correct':>9}{'acc':>9}",
    ]
    for intent, n in sorted(report.per_intent.items()):
        ok = report.per_intent_ok[intent]
        lines.append(f"{intent:<20}{n:>5}{ok:>9}{ok / n:>9.0%}")
    lines += ["", f"misses ({len(report.misses)})", *report.misses]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the evaluation of one jsonl file; always exit 0."""
    parser = argparse.ArgumentParser(prog="python -m nlp.evaluate", description=__doc__)
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    print(render(evaluate(load(args.file))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

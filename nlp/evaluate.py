"""Score nlp.parse on LABELS.md jsonl files: `python -m nlp.evaluate FILE.jsonl [FILE …]`.

Prints intent accuracy, slot F1, emergency recall (gold `urgency: emergency`
parsed as one) and the false-emergency rate (other messages parsed as one).
"""

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
    emergencies: int = 0  # gold emergencies
    caught: int = 0  # of those, parsed as emergencies
    flagged_wrongly: int = 0  # non-emergencies parsed as emergencies
    unsure: int = 0  # non-emergency parses with danger_unsure (the bot asks)
    missed_unsure: int = 0  # missed emergencies where the bot at least asks

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def emergency_recall(self) -> float:
        return self.caught / self.emergencies if self.emergencies else 1.0

    @property
    def false_flag_rate(self) -> float:
        others = self.total - self.emergencies
        return self.flagged_wrongly / others if others else 0.0

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


def scored_slots(
    gold: Mapping[str, object], got: Mapping[str, object]
) -> tuple[Mapping[str, object], Mapping[str, object]]:
    """Return the slots LABELS.md scores: category on a gold emergency is not scored."""
    if gold.get("urgency") != "emergency":
        return gold, got
    return (
        {k: v for k, v in gold.items() if k != "category"},
        {k: v for k, v in got.items() if k != "category"},
    )


def evaluate(records: Iterable[Mapping[str, Any]]) -> Report:
    """Parse every record and count agreements with its gold labels."""
    report = Report()
    for record in records:
        result = parse(record["text"], dt.datetime.fromisoformat(record["now"]))
        gold_slots = record.get("slots", {})
        tp, fp, fn = slot_counts(*scored_slots(gold_slots, result.slots))
        ok = result.intent == record["intent"]
        report.total += 1
        report.correct += ok
        report.true_pos, report.false_pos = report.true_pos + tp, report.false_pos + fp
        report.false_neg += fn
        report.per_intent[record["intent"]] += 1
        report.per_intent_ok[record["intent"]] += ok
        gold_emergency = gold_slots.get("urgency") == "emergency"
        got_emergency = result.slots.get("urgency") == "emergency"
        report.emergencies += gold_emergency
        report.caught += gold_emergency and got_emergency
        report.flagged_wrongly += got_emergency and not gold_emergency
        report.unsure += result.danger_unsure
        report.missed_unsure += gold_emergency and result.danger_unsure
        if not ok or fp or fn:
            report.misses.append(
                f"{record['text']}\n    gold {record['intent']} {json.dumps(gold_slots, ensure_ascii=False)}"
                f"\n    got  {result.intent} {json.dumps(result.slots, ensure_ascii=False)}"
                f" danger {result.danger:.2f}"
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
        f"emergency recall {report.emergency_recall:.2%} ({report.caught}/{report.emergencies}; "
        f"of the missed, the bot asks on {report.missed_unsure})",
        f"false emergency  {report.false_flag_rate:.2%} ({report.flagged_wrongly}/"
        f"{report.total - report.emergencies} other messages)",
        f"danger asked     {report.unsure} parses (danger_unsure)",
        "",
        f"{'intent':<20}{'n':>5}{'correct':>9}{'acc':>9}",
    ]
    for intent, n in sorted(report.per_intent.items()):
        ok = report.per_intent_ok[intent]
        lines.append(f"{intent:<20}{n:>5}{ok:>9}{ok / n:>9.0%}")
    lines += ["", f"misses ({len(report.misses)})", *report.misses]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the evaluation of each jsonl file (and of all together); always exit 0."""
    parser = argparse.ArgumentParser(prog="python -m nlp.evaluate", description=__doc__)
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--summary", action="store_true", help="figures only, no table or misses")
    args = parser.parse_args(argv)
    reports = []
    for path in args.files:
        report = evaluate(load(path))
        reports.append(report)
        text = render(report)
        if args.summary:
            text = text.split("\n\n", 1)[0]
        print(f"== {path}\n{text}\n")
    if len(reports) > 1:
        print(f"== all {len(reports)} files\n" + render(merge(reports)).split("\n\n", 1)[0])
    return 0


def merge(reports: list[Report]) -> Report:
    """Return one report counting every record of the given reports."""
    out = Report()
    for r in reports:
        for name in ("total", "correct", "true_pos", "false_pos", "false_neg", "emergencies",
                     "caught", "flagged_wrongly", "unsure", "missed_unsure"):
            setattr(out, name, getattr(out, name) + getattr(r, name))
        out.per_intent.update(r.per_intent)
        out.per_intent_ok.update(r.per_intent_ok)
        out.misses.extend(r.misses)
    return out


if __name__ == "__main__":
    sys.exit(main())

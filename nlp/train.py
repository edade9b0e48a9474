"""Fit the intent model: `python -m nlp.train` (writes nlp/data/intent_model.json).

Deterministic: fixed seeds, sorted inputs. Reads the project's corpus
(``nlp/data/corpus/*.jsonl``, LABELS.md records with a ``writer``) and the
project's older held-out sets (``tests/unit/nlp_heldout*.jsonl``), never
``/work/shared/nlu/*.jsonl``. Each record is also seen in augmented forms
(`augment`): filler words, synonyms from the lexicons below, voice-input
slips, punctuation dropped or added.

`python -m nlp.train --cv` measures generalisation instead: for each corpus
writer, the model is trained without that writer's records and the whole
parser is scored on them (leave one writer out).

The learner is multinomial logistic regression fitted by SGD with sparse
updates (only the gold label and the labels the model currently gives at
least `ACTIVE_PROB` are updated), then pruned of tiny weights.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nlp.model import (
    CATEGORY_FILE,
    EMERGENCY_LABEL,
    MODEL_FILE,
    NO_CATEGORY,
    Model,
    features,
    use_model,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = Path(__file__).parent / "data" / "corpus"
HELDOUT_GLOB = "tests/unit/nlp_heldout*.jsonl"
SEED = 17
EPOCHS = 8
LEARNING_RATE = 0.5
L2 = 1e-5
ACTIVE_PROB = 0.01
PRUNE = 0.04  # smaller weights are dropped: -42 % pairs, same leave-one-writer-out scores
MIN_FEATURE_COUNT = 2  # an n-gram seen once in training carries no weight
AUGMENTED_COPIES = 2

# ---- augmentation lexicons (words, never sentences) ---------------------------------------
FILLERS = ("嗯", "那个", "就是", "啊", "喂", "哎", "这个", "我跟你说", "小助手", "你好")
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("老伴", "老伴儿", "老头子", "老太婆", "爱人", "老婆子", "老头"),
    ("我妈", "俺娘", "我娘", "我母亲", "我老娘"),
    ("我爸", "俺爹", "我父亲", "我家老爷子"),
    ("王奶奶", "李大爷", "张阿姨", "刘婶", "赵大妈", "陈爷爷", "孙大娘"),
    ("明天", "明儿", "明儿个"),
    ("今天", "今儿", "今儿个"),
    ("午饭", "中饭", "午餐", "晌午饭"),
    ("晚饭", "晚餐", "夜饭"),
    ("早饭", "早餐"),
    ("帮我", "麻烦帮我", "给我"),
    ("社区", "居委会", "街道"),
    ("邻居", "隔壁", "楼上邻居", "对门"),
    ("赶紧", "快点", "马上"),
    ("怎么", "咋", "如何"),
    ("什么", "啥", "啥子"),
    ("没有", "没得", "冇"),
    ("现在", "这会儿", "眼下"),
    ("刚才", "刚刚", "方才"),
)
# Voice-input and typing slips (right → wrong).
SLIPS: tuple[tuple[str, str], ...] = (
    ("的", "得"), ("在", "再"), ("吗", "嘛"), ("哪", "那"), ("订", "定"), ("份", "分"),
    ("饭", "反"), ("取消", "去消"), ("煤气", "煤汽"), ("摔", "甩"), ("晕", "云"), ("已经", "以经"),
)
_SYNONYM_OF = {word: group for group in SYNONYMS for word in group}
_SYNONYM_WORDS = sorted(_SYNONYM_OF, key=len, reverse=True)


def load_records(paths: Iterable[Path], writer: str | None = None) -> list[dict[str, Any]]:
    """Read LABELS.md records; a record without `writer` gets the file's stem or `writer`."""
    out: list[dict[str, Any]] = []
    for path in sorted(paths):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line being written right now
            if not isinstance(record, dict) or "text" not in record or "intent" not in record:
                continue
            record.setdefault("writer", writer or path.stem)
            out.append(record)
    return out


def training_records() -> list[dict[str, Any]]:
    """Return every record the model learns from: the corpus and the older held-out sets."""
    corpus = load_records(CORPUS_DIR.glob("*.jsonl"))
    heldout = load_records(ROOT.glob(HELDOUT_GLOB), writer="heldout_sets")
    return corpus + heldout


def label_of(record: dict[str, Any]) -> str:
    """Return the model's label: the intent, or `emergency` for an emergency help request."""
    if record["intent"] == "help_request" and record.get("slots", {}).get("urgency") == "emergency":
        return EMERGENCY_LABEL
    return str(record["intent"])


def augment(text: str, rng: random.Random) -> str:
    """Return one principled variant of text (1–2 of: filler, synonym, slip, punctuation)."""
    ops = rng.sample(("filler", "synonym", "slip", "punct"), rng.choice((1, 2)))
    for op in ops:
        if op == "filler":
            filler = rng.choice(FILLERS)
            text = f"{filler} {text}" if rng.random() < 0.6 else f"{text} {filler}"
        elif op == "synonym":
            present = [w for w in _SYNONYM_WORDS if w in text]
            if present:
                word = rng.choice(present)
                choices = [w for w in _SYNONYM_OF[word] if w != word]
                text = text.replace(word, rng.choice(choices), 1)
        elif op == "slip":
            slips = [pair for pair in SLIPS if pair[0] in text]
            if slips:
                right, wrong = rng.choice(slips)
                text = text.replace(right, wrong, 1)
        elif rng.random() < 0.5:
            text = "".join(ch for ch in text if ch not in " ，。,.!?！？、")
        else:
            text = text.replace(" ", "，")
    return text


def examples(records: list[dict[str, Any]], copies: int = AUGMENTED_COPIES) -> list[tuple[list[str], str]]:
    """Return (features, label) for each record and its augmented copies."""
    from nlp.normalize import drop_contradicted, normalize

    rng = random.Random(SEED)
    out = []
    for record in records:
        label = label_of(record)
        texts = [record["text"]] + [augment(record["text"], rng) for _ in range(copies)]
        for text in dict.fromkeys(texts):
            out.append((features(drop_contradicted(normalize(text))), label))
    return out


def fit(data: list[tuple[list[str], str]], epochs: int = EPOCHS) -> Model:
    """Fit multinomial logistic regression by sparse SGD; deterministic for the same data."""
    labels = tuple(sorted({label for _, label in data}))
    index = {label: i for i, label in enumerate(labels)}
    counts = Counter(f for feats, _ in data for f in set(feats))
    kept = [([f for f in feats if counts[f] >= MIN_FEATURE_COUNT], index[label]) for feats, label in data]
    n_labels = len(labels)
    prior = Counter(y for _, y in kept)
    bias = [math.log((prior[i] + 1) / (len(kept) + n_labels)) for i in range(n_labels)]
    weights: dict[str, dict[int, float]] = defaultdict(dict)
    rng = random.Random(SEED)
    order = list(range(len(kept)))
    for epoch in range(epochs):
        rng.shuffle(order)
        rate = LEARNING_RATE / (1 + epoch)
        for k in order:
            feats, gold = kept[k]
            if not feats:
                continue
            scores = list(bias)
            for f in feats:
                for i, w in weights[f].items():
                    scores[i] += w
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            step = rate / math.sqrt(len(feats))
            for i in range(n_labels):
                p = exps[i] / total
                if i != gold and p < ACTIVE_PROB:
                    continue
                grad = p - (1.0 if i == gold else 0.0)
                bias[i] -= step * grad * 0.1
                delta = step * grad
                for f in feats:
                    row = weights[f]
                    row[i] = row.get(i, 0.0) * (1 - L2) - delta
    pruned = {
        f: tuple(sorted((i, w) for i, w in row.items() if abs(w) >= PRUNE))
        for f, row in weights.items()
    }
    return Model(labels, tuple(bias), {f: row for f, row in pruned.items() if row})


def train(records: list[dict[str, Any]]) -> Model:
    """Return the intent model fitted on records and their augmented copies."""
    return fit(examples(records))


def category_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the non-emergency help requests, labelled by category (`none` when unstated)."""
    out = []
    for record in records:
        slots = record.get("slots", {})
        if record["intent"] == "help_request" and slots.get("urgency") != "emergency":
            out.append({**record, "intent": slots.get("category", NO_CATEGORY), "slots": {}})
    return out


def train_category(records: list[dict[str, Any]]) -> Model:
    """Return the help-category model fitted on the non-emergency help requests."""
    return fit(examples(category_records(records)))


def cross_validate(records: list[dict[str, Any]]) -> None:
    """Leave one corpus writer out: train without it, score the parser on it."""
    from nlp.evaluate import evaluate, render

    writers = sorted({r["writer"] for r in records if r["writer"] != "heldout_sets"})
    for writer in writers:
        held = [r for r in records if r["writer"] == writer]
        rest = [r for r in records if r["writer"] != writer]
        t0 = time.process_time()
        use_model(train(rest), train_category(rest))
        fitted = time.process_time() - t0
        rated = [r for r in held if "now" in r]
        print(f"== leave out {writer} ({len(held)} records, trained in {fitted:.0f} s CPU)")
        print(render(evaluate(rated)).split("\n\n", 1)[0] + "\n")
    use_model(None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nlp.train", description=__doc__)
    parser.add_argument("--cv", action="store_true", help="leave-one-writer-out scores, no file written")
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--category-out", type=Path, default=CATEGORY_FILE)
    args = parser.parse_args(argv)
    records = training_records()
    print(f"{len(records)} records: " + ", ".join(
        f"{w} {n}" for w, n in sorted(Counter(r['writer'] for r in records).items())))
    if args.cv:
        cross_validate(records)
        return 0
    t0 = time.process_time()
    model = train(records)
    category = train_category(records)
    for path, fitted in ((args.out, model), (args.category_out, category)):
        path.write_text(fitted.to_json() + "\n", encoding="utf-8")
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {len(fitted.weights)} features, "
              f"{len(fitted.labels)} labels)")
    print(f"trained in {time.process_time() - t0:.0f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())

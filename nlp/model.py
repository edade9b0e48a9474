"""The learned intent model: a linear classifier over character n-grams, scored with dict lookups.

`python -m nlp.train` fits it on the project's corpus (``data/corpus/*.jsonl``,
the older held-out sets, augmentation in code) and writes
``data/intent_model.json``: the labels (the LABELS.md intents, with
``help_request`` split into ``help_request`` and ``emergency``), a bias per
label and, per feature, the labels it moves as a flat ``[label, weight, …]``
list. Scoring a message is one pass over its n-grams and a softmax — no
numpy, no scikit-learn, ~60 µs for a chat-length message.

Features (`features`) are read from the normalized text (variants folded,
homophones fixed, pinyin and English words mapped): character 1-, 2- and
3-grams inside each space-separated chunk, with ``^`` / ``$`` marking the
chunk's edges, so 不要 at the start of a reply and 不要 inside 要不要 differ.
"""

from __future__ import annotations

import gc
import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path

MODEL_FILE = Path(__file__).parent / "data" / "intent_model.json"
CATEGORY_FILE = Path(__file__).parent / "data" / "category_model.json"
NO_CATEGORY = "none"  # a help request that states no need (求助, 帮帮我)
EMERGENCY_LABEL = "emergency"
MAX_FEATURE_CHARS = 300  # a long voice message is read by its first 300 characters


def features(text: str) -> list[str]:
    """Return the character 1–3-grams of normalized text, chunk edges marked."""
    out: list[str] = []
    append = out.append
    for chunk in text[:MAX_FEATURE_CHARS].split():
        padded = f"^{chunk}$"
        n = len(padded)
        for i in range(1, n - 1):
            append(padded[i])
        for i in range(n - 1):
            append(padded[i : i + 2])
        for i in range(n - 2):
            append(padded[i : i + 3])
    return out


@dataclass(frozen=True)
class Model:
    """Labels, biases and sparse per-feature weights of the linear model."""

    labels: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[tuple[int, float], ...]]

    def scores(self, text: str) -> list[float]:
        """Return the raw score of each label."""
        scores = list(self.bias)
        get = self.weights.get
        for f in features(text):
            row = get(f)
            if row:
                for i, w in row:
                    scores[i] += w
        return scores

    def predict(self, text: str) -> dict[str, float]:
        """Return the softmax probability of each label."""
        scores = self.scores(text)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps, strict=True)}

    def to_json(self) -> str:
        """Return the model as compact JSON (weights rounded to 3 decimals)."""
        return json.dumps(
            {
                "labels": list(self.labels),
                "bias": [round(b, 3) for b in self.bias],
                "weights": {
                    f: [x for i, w in row for x in (i, round(w, 3))]
                    for f, row in sorted(self.weights.items())
                },
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, raw: str) -> Model:
        enabled = gc.isenabled()
        gc.disable()  # ~100k small tuples: collecting while building them only costs time
        try:
            data = json.loads(raw)
            weights = {
                f: tuple(zip(flat[::2], flat[1::2], strict=True)) for f, flat in data["weights"].items()
            }
        finally:
            if enabled:
                gc.enable()
        return cls(tuple(data["labels"]), tuple(data["bias"]), weights)


_lock = threading.Lock()
_models: dict[Path, Model] = {}
EMPTY = Model(("unknown",), (0.0,), {})


def _load(path: Path) -> Model:
    model = _models.get(path)
    if model is None:
        with _lock:
            model = _models.get(path)
            if model is None:
                try:
                    model = Model.from_json(path.read_text(encoding="utf-8"))
                except (OSError, ValueError, KeyError):
                    model = EMPTY
                _models[path] = model
    return model


def get_model() -> Model:
    """Return the shared intent model, loading it on first use (empty if the file is missing)."""
    return _load(MODEL_FILE)


def get_category_model() -> Model:
    """Return the shared help-category model (labels: LABELS.md categories and `none`)."""
    return _load(CATEGORY_FILE)


def use_model(model: Model | None, category: Model | None = None) -> None:
    """Replace the shared models (training and cross-validation); None reloads the files."""
    _models.pop(MODEL_FILE, None)
    _models.pop(CATEGORY_FILE, None)
    if model is not None:
        _models[MODEL_FILE] = model
    if category is not None:
        _models[CATEGORY_FILE] = category

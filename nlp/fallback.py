"""A learned fallback for intent: multinomial Naive Bayes over character 1–2-grams.

The rules decide whenever they find enough evidence. When they find none
(the message would be `unknown`), this classifier — trained in a few
milliseconds from the project's own written examples (``data/examples.jsonl``,
never the shared dev set) — proposes an intent, and the parser takes it only
if its posterior is high enough. It reads the normalized text, so traditional
characters and regional words are already folded.
"""

from __future__ import annotations

import json
import math
import threading
from collections import Counter, defaultdict
from pathlib import Path

EXAMPLES_FILE = Path(__file__).parent / "data" / "examples.jsonl"
ALPHA = 0.3  # additive smoothing
MIN_POSTERIOR = 0.95  # below this the fallback abstains (tuned on held-out set 3 against dev)


def features(text: str) -> list[str]:
    """Return the character unigrams and within-word bigrams of normalized text."""
    out: list[str] = []
    for word in text.split():
        out.extend(word)
        out.extend(word[i : i + 2] for i in range(len(word) - 1))
    return out


class NaiveBayes:
    """Multinomial Naive Bayes with additive smoothing."""

    def __init__(self, examples: list[tuple[str, str]]) -> None:
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        docs: Counter[str] = Counter()
        for text, label in examples:
            counts[label].update(features(text))
            docs[label] += 1
        vocab = {f for c in counts.values() for f in c}
        size = len(vocab) or 1
        total_docs = sum(docs.values()) or 1
        self.labels = sorted(counts)
        self.prior = {label: math.log(docs[label] / total_docs) for label in self.labels}
        self.log_prob: dict[str, dict[str, float]] = {}
        self.unseen: dict[str, float] = {}
        for label in self.labels:
            denominator = sum(counts[label].values()) + ALPHA * size
            self.log_prob[label] = {
                f: math.log((n + ALPHA) / denominator) for f, n in counts[label].items()
            }
            self.unseen[label] = math.log(ALPHA / denominator)
        self.vocab = frozenset(vocab)
        # Sparse form for predict: a label's score is its prior, plus `unseen`
        # for every known feature, plus (log p - unseen) where the label saw it.
        index = {label: i for i, label in enumerate(self.labels)}
        self._base = [self.prior[label] for label in self.labels]
        self._unseen = [self.unseen[label] for label in self.labels]
        deltas: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for label in self.labels:
            for f, value in self.log_prob[label].items():
                deltas[f].append((index[label], value - self.unseen[label]))
        self._deltas = dict(deltas)

    def predict(self, text: str) -> tuple[str, float] | None:
        """Return the best label and its posterior, or None when no feature is known."""
        feats = [f for f in features(text) if f in self._deltas]
        if not feats or not self.labels:
            return None
        n = len(feats)
        scores = [base + unseen * n for base, unseen in zip(self._base, self._unseen, strict=True)]
        for f in feats:
            for i, delta in self._deltas[f]:
                scores[i] += delta
        top = max(scores)
        best = self.labels[scores.index(top)]
        norm = sum(math.exp(s - top) for s in scores)
        return best, 1.0 / norm


_lock = threading.Lock()
_model: NaiveBayes | None = None


def load_examples(path: Path = EXAMPLES_FILE) -> list[tuple[str, str]]:
    """Return (normalized text, intent) pairs from a jsonl file of written examples."""
    from nlp.normalize import drop_contradicted, normalize

    out: list[tuple[str, str]] = []
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            out.append((drop_contradicted(normalize(record["text"])), record["intent"]))
    return out


def get_model() -> NaiveBayes:
    """Return the shared classifier, training it on first use."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = NaiveBayes(load_examples())
    return _model


def guess_intent(body: str) -> tuple[str, float] | None:
    """Return (intent, posterior) when the classifier is confident, else None."""
    guess = get_model().predict(body)
    if guess is None or guess[1] < MIN_POSTERIOR:
        return None
    return guess

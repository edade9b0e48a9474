"""A gunicorn worker settles before its first request (core/serving.py: settle_worker)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_WORKER = """
import gc, json
from core import serving
serving.settle_worker()
import nlp.tokenizer
import nlp.model
print(json.dumps({"tokenizer": nlp.tokenizer._tokenizer is not None,
                  "models": len(nlp.model._models),
                  "frozen": gc.get_freeze_count(), "seen": len(gc.get_objects())}))
"""


def test_a_worker_loads_its_models_before_its_first_message_and_collections_skip_them():
    # Run as a fresh process, as gunicorn's post_worker_init does in each worker.
    out = subprocess.run([sys.executable, "-c", _WORKER], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120)
    worker = json.loads(out.stdout.strip().splitlines()[-1])
    assert worker["tokenizer"] and worker["models"] == 2  # no message pays for loading them
    # A full collection walks what the collector sees: after settling, not the boot heap
    # (the dictionary, the models, the app's modules), which stopped the worker for 120–210 ms.
    assert worker["frozen"] > 20_000
    assert worker["seen"] < worker["frozen"] / 10

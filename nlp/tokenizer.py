"""A private jieba tokenizer: the project's words, a compact dictionary, a cached prefix dict.

jieba's full dictionary (350k words) takes more than a second to load even
from its cache. Slots never need it and topic retrieval needs only common
words, so we build a compact dictionary once — every jieba word seen at
least MIN_FREQ times plus nlp/userdict.txt — into a cache directory, and
point the tokenizer's own prefix-dict cache there too. The global
`jieba.dt` is never touched. jieba itself is imported on first use (its
import pulls in pkg_resources, ~0.3 s): a parse that needs no tokens never
pays for it, and `nlp.warm_up()` pays it up front.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

logger = logging.getLogger(__name__)

MIN_FREQ = 50
USERDICT = Path(__file__).with_name("userdict.txt")
USER_WORD_FREQ = 20000  # high enough that a project word is never split
CACHE_ENV = "LINLI_NLP_CACHE_DIR"

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def cache_dir() -> Path:
    """Return the writable directory holding the compact dictionary and its cache."""
    configured = os.environ.get(CACHE_ENV)
    base = Path(configured) if configured else Path(tempfile.gettempdir()) / "linli-nlp"
    base.mkdir(parents=True, exist_ok=True)
    return base


def user_words() -> list[tuple[str, int, str | None]]:
    """Return (word, freq, tag) for each line of the user dictionary."""
    words = []
    for line in USERDICT.read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else USER_WORD_FREQ
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        words.append((parts[0], freq, tag))
    return words


def _compact_dictionary(directory: Path) -> Path:
    import jieba

    digest = hashlib.sha1(usedforsecurity=False)
    digest.update(USERDICT.read_bytes())
    digest.update(f"{MIN_FREQ}:{jieba.__version__}".encode())
    target = directory / f"dict-{digest.hexdigest()[:12]}.txt"
    if target.exists():
        return target
    lines = [
        line for line in Path(jieba.__file__).with_name("dict.txt").read_text("utf-8").splitlines()
        if len(parts := line.split()) >= 2 and int(parts[1]) >= MIN_FREQ
    ]
    lines += [f"{w} {f} {t or 'n'}" for w, f, t in user_words()]
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, target)  # atomic: concurrent first starts never see half a file
    return target


def _build() -> jieba.Tokenizer:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" on stderr
    try:
        directory = cache_dir()
        tokenizer = jieba.Tokenizer(str(_compact_dictionary(directory)))
        tokenizer.tmp_dir = str(directory)
        tokenizer.initialize()
    except OSError:
        logger.warning("nlp cache dir not writable; loading jieba's full dictionary")
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word, freq, tag in user_words():
            tokenizer.add_word(word, freq, tag)
    return tokenizer


def get_tokenizer() -> jieba.Tokenizer:
    """Return the shared private tokenizer, building it on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                _tokenizer = _build()
    return _tokenizer


def tokens(text: str) -> list[str]:
    """Return the words of text (no HMM: unknown words stay as characters)."""
    return [t for t in get_tokenizer().lcut(text, HMM=False) if t.strip()]

"""Field encryption at rest, blind indexes for lookup, and display masks.

Values are sealed with AES-256-GCM (authenticated: a wrong key or a changed
byte fails loudly) under a key derived from DATA_ENCRYPTION_KEY. A keyed
HMAC "blind index" lets the database find a person by phone or name without
ever holding the plaintext.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.errors import DecryptionError

VERSION = "v1"


@lru_cache(maxsize=8)
def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=b"linli-field-keys", info=purpose).derive(
        secret.encode("utf-8")
    )


def _secret() -> str:
    from core.config import get_settings

    secret = get_settings().data_encryption_key
    if not secret:
        raise DecryptionError("DATA_ENCRYPTION_KEY is not set")
    return secret


def encrypt(plaintext: str, *, secret: str | None = None) -> str:
    """Seal a string; the result is ASCII and safe to store."""
    key = _derive(secret or _secret(), b"encrypt")
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), VERSION.encode())
    return f"{VERSION}:" + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str, *, secret: str | None = None) -> str:
    """Open a sealed string; raise DecryptionError on a wrong key or tampering."""
    version, _, body = token.partition(":")
    if version != VERSION or not body:
        raise DecryptionError("unknown ciphertext format")
    raw = base64.urlsafe_b64decode(body.encode("ascii"))
    key = _derive(secret or _secret(), b"encrypt")
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], VERSION.encode()).decode("utf-8")
    except InvalidTag as exc:
        raise DecryptionError("cannot decrypt: wrong DATA_ENCRYPTION_KEY or altered data") from exc


def key_fingerprint(*, secret: str | None = None) -> str:
    """Name the deployment's key without revealing it (backups record this)."""
    derived = _derive(secret or _secret(), b"key-fingerprint")
    return hashlib.sha256(derived).hexdigest()[:32]


def normalise_phone(phone: str) -> str:
    """Keep digits only and drop a +86 / 0086 prefix, so lookups match."""
    digits = re.sub(r"\D", "", phone)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    return digits


def blind_index(value: str, *, kind: str, secret: str | None = None) -> str:
    """Return a keyed hash of a normalised value, for equality lookups."""
    key = _derive(secret or _secret(), b"blind-index:" + kind.encode())
    normalised = normalise_phone(value) if kind == "phone" else value.strip()
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()[:40]


def mask_phone(phone: str | None) -> str:
    """138****5678."""
    if not phone:
        return ""
    digits = normalise_phone(phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_name(name: str | None) -> str:
    """张* / 欧阳** : keep the first character only."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_id_number(value: str | None) -> str:
    """110101********1234."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_address(address: str | None, keep: int = 6) -> str:
    """Keep the first few characters (street level), hide the rest."""
    if not address:
        return ""
    return address[:keep] + "****" if len(address) > keep else address[:2] + "****"

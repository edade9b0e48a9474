"""Safe mode (安全模式): wechatpy's message crypto behind our stricter checks.

wechatpy's `PrpCrypto` does WeChat's framing and AES-256-CBC: 16 random
bytes, a 4-byte big-endian length, the XML, then the AppID; padded
PKCS#7-style to 32-byte blocks; IV = key[:16]. Around it we keep what it
leaves out: strict base64 and a whole number of AES blocks before
decrypting, the random prefix from `os.urandom` (wechatpy's comes from
`random`), and one `CryptoError` for every way a frame can be wrong.

wechatpy is imported on first use, as jieba is: `import wechatpy.crypto`
runs wechatpy's package `__init__`, which loads its whole API client
(requests, dateutil and some 70 modules of its own), start-up time that
`make chat` and every process that never meets a safe-mode message need not
pay (docs/decisions.md, "The 公众号 front door").
"""

from __future__ import annotations

import base64
import binascii
import os
import struct
from typing import Any


class CryptoError(ValueError):
    """The ciphertext is malformed, or it was sealed for another AppID."""


def _prp_crypto(key: bytes, prefix: bytes | None = None) -> Any:
    """Return wechatpy's PrpCrypto for `key`; with `prefix`, it seals with those 16 bytes."""
    from wechatpy.crypto import PrpCrypto

    prp = PrpCrypto(key)
    if prefix is not None:
        prp.get_random_string = lambda: prefix  # the hook wechatpy's own tests override
    return prp


class WeChatCipher:
    """Encrypt and decrypt message bodies for one official account."""

    def __init__(self, encoding_aes_key: str, appid: str) -> None:
        if len(encoding_aes_key) != 43:
            raise ValueError("EncodingAESKey must be 43 characters")
        self.key = base64.b64decode(encoding_aes_key + "=")
        self.appid = appid
        self._opener = _prp_crypto(self.key)

    def encrypt(self, xml: str, *, random_prefix: bytes | None = None) -> str:
        """Seal reply XML; returns the base64 Encrypt value."""
        prefix = random_prefix if random_prefix is not None else os.urandom(16)
        sealed: bytes = _prp_crypto(self.key, prefix).encrypt(xml, self.appid)
        return sealed.decode("ascii")

    def decrypt(self, encrypted: str) -> str:
        """Open an Encrypt value; refuse a bad frame or a foreign AppID."""
        from wechatpy.exceptions import InvalidAppIdException

        try:
            raw = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CryptoError("not base64") from exc
        if not raw or len(raw) % 16:
            raise CryptoError("bad ciphertext length")
        try:
            xml: str = self._opener.decrypt(encrypted, self.appid)
        except (InvalidAppIdException, struct.error, ValueError) as exc:  # ValueError: not UTF-8
            raise CryptoError("bad frame, foreign AppID or not UTF-8") from exc
        return xml

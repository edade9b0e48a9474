"""Reply XML that is well-formed whatever the user typed."""

from __future__ import annotations

import re

from bot.signature import sign

# XML 1.0 forbids C0 controls except tab, LF and CR, lone surrogates and U+FFFE/U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SUCCESS = "success"


def clean_text(text: str) -> str:
    """Drop characters XML 1.0 cannot carry."""
    return _ILLEGAL.sub("", text)


def cdata(text: str) -> str:
    """Wrap text in CDATA, splitting any "]]>" so the section cannot end early."""
    return "<![CDATA[" + clean_text(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(*, to_user: str, from_user: str, content: str, create_time: int) -> str:
    """Render a passive text reply."""
    return (
        f"<xml><ToUserName>{cdata(to_user)}</ToUserName>"
        f"<FromUserName>{cdata(from_user)}</FromUserName>"
        f"<CreateTime>{create_time}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{cdata(content)}</Content></xml>"
    )


def encrypted_envelope(*, token: str, encrypted: str, timestamp: str, nonce: str) -> str:
    """Render the safe-mode envelope around an encrypted reply."""
    signature = sign(token, timestamp, nonce, encrypted)
    return (
        f"<xml><Encrypt>{cdata(encrypted)}</Encrypt>"
        f"<MsgSignature>{cdata(signature)}</MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce>{cdata(nonce)}</Nonce></xml>"
    )

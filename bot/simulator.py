"""Play WeChat: build, sign and (in safe mode) encrypt messages; read replies.

Used by `python -m bot.console` and by the tests, so both go through the
same pipeline WeChat does (signed XML in, XML out).
"""

from __future__ import annotations

import itertools
import secrets
import urllib.parse
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.crypto import WeChatCipher
from bot.reply import cdata
from bot.signature import sign
from bot.xml import parse_xml
from core import clock
from core.config import Settings

_ids = itertools.count(int(clock.now().timestamp() * 1000) % 10**12)


class HttpClient(Protocol):
    def post(self, url: str, **kwargs: Any) -> Any: ...


def text_xml(openid: str, content: str, *, msg_id: str, create_time: int,
             to: str = "gh_linli") -> str:
    """Build a text message as WeChat sends it."""
    return (f"<xml><ToUserName>{cdata(to)}</ToUserName><FromUserName>{cdata(openid)}</FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content>{cdata(content)}</Content><MsgId>{msg_id}</MsgId></xml>")


def event_xml(openid: str, event: str, *, create_time: int, key: str = "",
              to: str = "gh_linli") -> str:
    """Build an event as WeChat sends it."""
    return (f"<xml><ToUserName>{cdata(to)}</ToUserName><FromUserName>{cdata(openid)}</FromUserName>"
            f"<CreateTime>{create_time}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
            f"<Event>{cdata(event)}</Event><EventKey>{cdata(key)}</EventKey></xml>")


@dataclass
class Reply:
    """What came back: status, raw body and (for reply XML) its fields."""

    status: int
    body: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def content(self) -> str:
        return self.fields.get("Content", "")


@dataclass
class WeChatSimulator:
    """Send signed (optionally encrypted) XML to /wechat and read the reply."""

    client: HttpClient
    settings: Settings
    safe: bool = False
    path: str = "/wechat"

    def query(self, body: str | None = None, *, timestamp: str | None = None) -> dict[str, str]:
        ts = timestamp or str(int(clock.now().timestamp()))
        nonce = secrets.token_hex(5)
        q = {"timestamp": ts, "nonce": nonce,
             "signature": sign(self.settings.wechat_token, ts, nonce)}
        if self.safe and body is not None:
            q["encrypt_type"] = "aes"
            q["msg_signature"] = sign(self.settings.wechat_token, ts, nonce, body)
        return q

    def envelope(self, xml: str) -> str:
        cipher = WeChatCipher(self.settings.wechat_aes_key, self.settings.wechat_appid)
        return f"<xml><Encrypt>{cdata(cipher.encrypt(xml))}</Encrypt></xml>"

    def signed(self, xml: str | bytes) -> tuple[str, dict[str, str]]:
        """Return the body and the signed query string WeChat would send for a message."""
        raw = xml.decode() if isinstance(xml, bytes) else xml
        body = self.envelope(raw) if self.safe else raw
        inner = parse_xml(body.encode()).fields["Encrypt"] if self.safe else None
        return body, self.query(inner)

    def send(self, body: str | bytes, query: dict[str, str]) -> Reply:
        """POST a body under a given query string (a retry, or a replay, reuses one)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        url = f"{self.path}?{urllib.parse.urlencode(query)}"
        response = self.client.post(url, data=data, headers={"Content-Type": "text/xml"})
        return self.read(response.status_code, response.get_data(as_text=True))

    def post(self, xml: str | bytes) -> Reply:
        """POST one message body exactly as WeChat would."""
        return self.send(*self.signed(xml))

    def read(self, status: int, text: str) -> Reply:
        """Parse a reply (decrypting it in safe mode)."""
        if status != 200 or not text.startswith("<xml>"):
            return Reply(status, text)
        fields = parse_xml(text.encode()).fields
        if "Encrypt" in fields:
            cipher = WeChatCipher(self.settings.wechat_aes_key, self.settings.wechat_appid)
            fields = parse_xml(cipher.decrypt(fields["Encrypt"]).encode()).fields
        return Reply(status, text, fields)

    def say(self, openid: str, content: str) -> Reply:
        """Send a text message with a fresh MsgId."""
        now = int(clock.now().timestamp())
        return self.post(text_xml(openid, content, msg_id=str(next(_ids)), create_time=now))

    def event(self, openid: str, event: str, key: str = "") -> Reply:
        """Send an event."""
        now = int(clock.now().timestamp())
        return self.post(event_xml(openid, event, create_time=now, key=key))

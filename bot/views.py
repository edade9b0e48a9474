"""GET / POST /wechat: verify, decrypt, parse, dedupe, converse, reply — never a 500."""

from __future__ import annotations

import logging
from functools import cache

from flask import Blueprint, Response, request
from werkzeug.exceptions import HTTPException

from bot import location, replay
from bot.crypto import CryptoError, WeChatCipher
from bot.message import Inbound, to_inbound
from bot.pipeline import answer_message
from bot.reply import SUCCESS, encrypted_envelope
from bot.signature import signature_matches, timestamp_is_fresh
from bot.xml import MAX_BODY_BYTES, BadMessage, parse_xml
from core import clock
from core.config import get_settings
from core.kv import get_kv

logger = logging.getLogger(__name__)
bp = Blueprint("wechat", __name__)


class Refused(Exception):
    """A request we answer with a bare status and no side effect."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _plain(body: str, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="text/plain")


@cache
def _cipher(aes_key: str, appid: str) -> WeChatCipher:
    return WeChatCipher(aes_key, appid)


def _check_signature() -> tuple[str, str]:
    """Refuse a bad signature or a stale timestamp; return (timestamp, nonce)."""
    args = request.args
    timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
    token = get_settings().wechat_token
    if not signature_matches(args.get("signature", ""), token, timestamp, nonce):
        raise Refused(403)
    if not timestamp_is_fresh(timestamp, clock.now()):
        raise Refused(403)
    return timestamp, nonce


def _read_body() -> bytes:
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise Refused(413)
    body = request.stream.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise Refused(413)
    return body


def _open_safe_mode(body: bytes, timestamp: str, nonce: str) -> bytes:
    """Check msg_signature over the Encrypt field and decrypt it (AppID must be ours)."""
    settings = get_settings()
    if not settings.wechat_aes_key:
        logger.warning("wechat: a safe-mode message arrived but WECHAT_AES_KEY is not set")
        raise Refused(403)
    encrypted = parse_xml(body).fields.get("Encrypt", "")
    signed = signature_matches(request.args.get("msg_signature", ""), settings.wechat_token,
                               timestamp, nonce, encrypted)
    if not encrypted or not signed:
        raise Refused(403)
    try:
        return _cipher(settings.wechat_aes_key, settings.wechat_appid).decrypt(encrypted).encode()
    except CryptoError as exc:
        raise Refused(403) from exc


def _seal(reply: str, timestamp: str, nonce: str) -> str:
    settings = get_settings()
    encrypted = _cipher(settings.wechat_aes_key, settings.wechat_appid).encrypt(reply)
    return encrypted_envelope(token=settings.wechat_token, encrypted=encrypted,
                              timestamp=timestamp, nonce=nonce)


def _refuse_replay(timestamp: str, nonce: str, body: bytes) -> None:
    """Refuse a used (timestamp, nonce) carrying another message; let WeChat's retry through.

    Asked only where plaintext is taken (receive_message): in safe mode
    msg_signature covers the Encrypt field, so a used URL carries no other
    message, and with plaintext refused safe mode is the only way in. That
    saves production a store round trip a message.

    With the store down nothing is remembered, and nothing runs either: the
    turn cannot be claimed without it (bot.pipeline answers "try again").
    """
    try:
        fresh = replay.first_use_or_retry(get_kv(), timestamp=timestamp, nonce=nonce,
                                          body=body, now=clock.now())
    except Exception:
        logger.warning("wechat: shared store unreachable; replay check skipped", exc_info=True)
        return
    if not fresh:
        logger.warning("wechat: refused a replayed signature (timestamp %s, nonce %r) "
                       "carrying another message", timestamp, nonce[:64])
        raise Refused(403)


def _quick_answer(message: Inbound) -> str | None:
    """Answer LOCATION events without the database: keep the position, throttled."""
    if message.msg_type == "event" and message.event == "location":
        if message.latitude is not None and message.longitude is not None:
            location.remember_throttled(get_kv(), message.openid, message.latitude,
                                        message.longitude)
        return SUCCESS
    return None


@bp.get("/wechat")
def verify_url() -> Response:
    """Echo `echostr` when WeChat's signature checks out (URL verification)."""
    _check_signature()
    return _plain(request.args.get("echostr", ""))


@bp.post("/wechat")
def receive_message() -> Response:
    """Answer one message or event with reply XML or `success`."""
    timestamp, nonce = _check_signature()
    body = _read_body()
    safe = request.args.get("encrypt_type", "raw").lower() == "aes"
    safe_only = get_settings().refuses_plaintext
    if safe:
        body = _open_safe_mode(body, timestamp, nonce)
    elif safe_only:
        logger.warning("wechat: refused a plaintext message; safe mode is required")
        raise Refused(403)
    if not safe_only:  # else msg_signature binds each (timestamp, nonce) to one message already
        _refuse_replay(timestamp, nonce, body)
    message = to_inbound(parse_xml(body))
    reply = _quick_answer(message) or answer_message(message)
    if reply == SUCCESS:
        return _plain(SUCCESS)
    if safe:
        reply = _seal(reply, timestamp, nonce)
    return Response(reply, mimetype="application/xml")


@bp.errorhandler(Refused)
def _refused(error: Refused) -> Response:
    return _plain({403: "forbidden", 413: "too large"}.get(error.status, "bad request"),
                  error.status)


@bp.errorhandler(BadMessage)
def _bad_message(error: BadMessage) -> Response:
    """Refuse a body we cannot read (400, so WeChat sees a failure, never `success`)."""
    logger.warning("wechat: refused a body: %s", error)
    return _plain("bad request", 400)


@bp.errorhandler(Exception)
def _unexpected(error: Exception) -> Response:
    """Never a 500 or a traceback to WeChat: log it and answer `success`."""
    if isinstance(error, HTTPException):
        return _plain(error.name.lower(), error.code or 400)
    logger.exception("wechat endpoint failed")
    return _plain(SUCCESS)

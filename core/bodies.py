"""Cut off request bodies that stall, so a slow client cannot hold a worker thread.

gunicorn hands a request to a thread once its headers are in; the body is
read by the application. A client that announces 60,000 bytes and sends 100
would hold that thread until it hung up, and `make run` has four. This
middleware reads the body first, giving up after BODY_SILENCE seconds
without a byte or BODY_DEADLINE seconds in all, and answers 408 and closes
the connection. Behind nginx (production) the body is buffered before it
reaches gunicorn (docs/operations.md), so this never triggers there.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from core.errors import ErrorCode

logger = logging.getLogger(__name__)

BODY_SILENCE = 1.0
BODY_DEADLINE = 10.0
_CHUNK = 65536

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class BodyTooSlow(Exception):
    """The client stopped sending the body it announced."""


class StalledBodyGuard:
    """WSGI middleware: read the whole body within the limits before the app runs."""

    def __init__(self, app: WsgiApp, *, max_length: int, silence: float = BODY_SILENCE,
                 deadline: float = BODY_DEADLINE) -> None:
        self.app, self.max_length = app, max_length
        self.silence, self.deadline = silence, deadline

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        sock = environ.get("gunicorn.socket")  # only a real server has a socket to wait on
        length = _content_length(environ)
        if sock is None or not 0 < length <= self.max_length:
            return self.app(environ, start_response)  # too long: Flask refuses it unread (413)
        try:
            environ["wsgi.input"] = io.BytesIO(self._read(sock, environ["wsgi.input"], length))
        except BodyTooSlow as stalled:
            logger.warning("request body stalled; cut off (%s)", stalled)
            return _timed_out(sock, start_response)
        return self.app(environ, start_response)

    def _read(self, sock: Any, stream: Any, length: int) -> bytes:
        chunks: list[bytes] = []
        got, started, usual = 0, time.monotonic(), sock.gettimeout()
        try:
            while got < length:
                left = self.deadline - (time.monotonic() - started)
                if left <= 0:
                    raise BodyTooSlow(f"{got} of {length} bytes in {self.deadline:g} s")
                sock.settimeout(min(self.silence, left))
                try:
                    chunk = stream.read(min(_CHUNK, length - got))
                except OSError:  # socket.timeout, or the client hung up
                    raise BodyTooSlow(f"{got} of {length} bytes, then silence") from None
                if not chunk:
                    raise BodyTooSlow(f"{got} of {length} bytes, then the client hung up")
                chunks.append(chunk)
                got += len(chunk)
        finally:
            sock.settimeout(usual)
        return b"".join(chunks)


def _content_length(environ: dict[str, Any]) -> int:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class _ThenStopReading(list[bytes]):
    """A response body that, once sent, stops reading the socket.

    gunicorn ignores a `Connection: close` from the app; it would drain the
    rest of the body (5 s on the thread) and then wait up to 2 s for the
    client's FIN on its main thread, so eight stalled clients would stall
    every other connection for 16 s. With reading shut, both end at once
    and the connection closes.
    """

    def __init__(self, body: bytes, sock: Any) -> None:
        super().__init__([body])
        self.sock = sock

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RD)
        except OSError:
            pass


def _timed_out(sock: Any, start_response: Callable[..., Any]) -> Iterable[bytes]:
    request_id = uuid.uuid4().hex
    timeout = ErrorCode.REQUEST_TIMEOUT
    body = json.dumps({"code": timeout.name, "message": timeout.message,
                       "request_id": request_id}, ensure_ascii=False).encode()
    start_response(f"{timeout.status} Request Timeout", [
        ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
        ("X-Request-ID", request_id)])
    return _ThenStopReading(body, sock)

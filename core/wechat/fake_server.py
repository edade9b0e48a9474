"""A fake api.weixin.qq.com on loopback for development, demo and tests.

It issues tokens, answers the endpoints Linli uses, records every request
(GET /_fake/requests) and can be scripted to answer the next calls to an
endpoint with any errcode, a 500, or a hang (POST /_fake/script with
{"path": "/cgi-bin/message/custom/send", "responses": [{"errcode": 45015},
{"hang": 3}, {"status": 500}]}). POST /_fake/expire_tokens makes every
issued token invalid (WeChat's 40001); POST /_fake/reset forgets everything.

Run it: `python -m core.wechat.fake_server --port 8900`.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import secrets
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from core.config import ConfigError, refuse_in_production

AUTHED = {
    "/wxa/business/getuserphonenumber", "/cgi-bin/message/custom/send",
    "/cgi-bin/message/subscribe/bizsend", "/cgi-bin/message/subscribe/send",
    "/cgi-bin/message/template/send", "/cgi-bin/menu/create",
}


class FakeState:
    """What the fake remembers: tokens, recorded requests and scripted answers."""

    def __init__(self, record_limit: int = 1_000_000) -> None:
        self.lock = threading.Lock()
        self.record_limit = record_limit
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.tokens: dict[str, str] = {}  # appid -> current token
            self.valid: set[str] = set()
            self.requests: list[dict[str, Any]] = []
            self.count = 0
            self.counts: dict[str, int] = {}
            self.scripts: dict[str, deque[dict[str, Any]]] = {}
            self.msgids = itertools.count(1000)

    def record(self, path: str, params: dict[str, str], body: Any) -> None:
        with self.lock:
            self.count += 1
            self.counts[path] = self.counts.get(path, 0) + 1
            if len(self.requests) < self.record_limit:
                self.requests.append({"path": path, "params": params, "body": body,
                                      "at": time.time()})

    def next_script(self, path: str) -> dict[str, Any] | None:
        with self.lock:
            queue = self.scripts.get(path)
            return queue.popleft() if queue else None

    def issue_token(self, appid: str, *, force: bool) -> str:
        with self.lock:
            if force or appid not in self.tokens:
                self.tokens[appid] = "fake-token-" + secrets.token_hex(8)
                self.valid.add(self.tokens[appid])
            return self.tokens[appid]


def _phone_for(code: str) -> str:
    if code.isdigit() and len(code) == 11:
        return code
    return "138" + str(int(hashlib.sha256(code.encode()).hexdigest(), 16))[:8]


def answer(state: FakeState, path: str, params: dict[str, str], body: Any) -> dict[str, Any]:
    """Answer one WeChat call the way WeChat would on a good day."""
    if path in AUTHED and params.get("access_token") not in state.valid:
        return {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
    if path == "/cgi-bin/token":
        token = state.issue_token(params.get("appid", ""), force=True)
        return {"access_token": token, "expires_in": 7200}
    if path == "/cgi-bin/stable_token":
        token = state.issue_token(body.get("appid", ""), force=bool(body.get("force_refresh")))
        return {"access_token": token, "expires_in": 7200}
    if path == "/sns/jscode2session":
        code = params.get("js_code", "")
        if not code or code == "invalid":
            return {"errcode": 40029, "errmsg": "invalid code"}
        return {"openid": f"mp_{code}", "unionid": f"union_{code}",
                "session_key": hashlib.sha256(code.encode()).hexdigest()[:24]}
    if path == "/wxa/business/getuserphonenumber":
        phone = _phone_for(str(body.get("code", "")))
        return {"errcode": 0, "errmsg": "ok", "phone_info": {
            "phoneNumber": phone, "purePhoneNumber": phone, "countryCode": "86"}}
    if path in AUTHED:
        return {"errcode": 0, "errmsg": "ok", "msgid": next(state.msgids)}
    return {"errcode": 404, "errmsg": "fake: unknown endpoint"}


class Handler(BaseHTTPRequestHandler):
    """Serve one request against the shared FakeState."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else every keep-alive answer waits for a delayed ACK
    server: FakeServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

    def do_GET(self) -> None:  # noqa: N802
        self._handle(None)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw.decode("utf-8")) if raw else {}
        except ValueError:
            self._send({"errcode": 47001, "errmsg": "data format error"})
            return
        self._handle(body)

    def _handle(self, body: Any) -> None:
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query))
        state = self.server.state
        if parts.path.startswith("/_fake/"):
            self._send(self._control(parts.path, params, body or {}))
            return
        state.record(parts.path, params, body)
        script = state.next_script(parts.path)
        if script is not None and "hang" in script:
            time.sleep(float(script["hang"]))
            script = None
        if script is not None and "status" in script:
            self._send({"errmsg": "fake server error"}, status=int(script["status"]))
        elif script is not None:
            self._send({"errcode": int(script.get("errcode", 0)),
                        "errmsg": str(script.get("errmsg", "scripted"))})
        else:
            self._send(answer(state, parts.path, params, body or {}))

    def _control(self, path: str, params: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
        state = self.server.state
        if path == "/_fake/requests":
            with state.lock:
                found = [r for r in state.requests
                         if not params.get("path") or r["path"] == params["path"]]
                return {"count": state.count, "counts": state.counts, "requests": found}
        if path == "/_fake/reset":
            state.reset()
        elif path == "/_fake/script":
            with state.lock:
                queue = state.scripts.setdefault(str(body["path"]), deque())
                queue.extend(body.get("responses", []))
        elif path == "/_fake/expire_tokens":
            with state.lock:
                state.valid.clear()
                state.tokens.clear()
        return {"ok": True}

    def _send(self, data: dict[str, Any], status: int = 200) -> None:
        raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


class FakeServer(ThreadingHTTPServer):
    """The fake WeChat API; `state` is inspectable in-process too."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, host: str = "127.0.0.1", port: int = 0, record_limit: int = 1_000_000):
        super().__init__((host, port), Handler)
        self.state = FakeState(record_limit)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def requests_to(self, path: str) -> list[dict[str, Any]]:
        """Return the recorded calls to one endpoint (tests)."""
        with self.state.lock:
            return [r for r in self.state.requests if r["path"] == path]

    def script(self, path: str, *responses: dict[str, Any]) -> None:
        """Queue scripted answers for the next calls to `path` (tests)."""
        with self.state.lock:
            self.state.scripts.setdefault(path, deque()).extend(responses)


@contextmanager
def serve_fake_wechat(host: str = "127.0.0.1", port: int = 0) -> Iterator[FakeServer]:
    """Run the fake on a free loopback port in a thread for the block."""
    server = FakeServer(host, port)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="假的微信接口（仅供开发和测试）")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--record-limit", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    try:
        refuse_in_production("假的微信接口")
    except ConfigError as exc:
        print(exc, file=sys.stderr, flush=True)
        return 2
    server = FakeServer(args.host, args.port, args.record_limit)
    print(f"假的微信接口已启动: {server.url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

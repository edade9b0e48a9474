"""Bodies that never arrive are cut off on the server `make run` starts, so /healthz stays quick."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from core.run import web_command

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
STALLED = 8


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(sqlite_db, tmp_path):  # type: ignore[no-untyped-def]
    """`make run`'s web server (1 worker × 4 threads without Redis) on a migrated SQLite file."""
    env = dict(os.environ, LINLI_ENV="test", DATABASE_URL=sqlite_db.url, REDIS_URL="",
               LOG_LEVEL="WARNING")
    port = _free_port()
    proc = subprocess.Popen(web_command("127.0.0.1", port), cwd=ROOT, env=env,  # noqa: S603
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(base + "/healthz", timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _stall(port: int, path: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall((f"POST {path} HTTP/1.1\r\nHost: linli\r\n"
                  "Content-Type: application/x-www-form-urlencoded\r\n"
                  "Content-Length: 60000\r\n\r\n").encode() + b"a" * 100)
    return sock


def _read_until_closed(sock: socket.socket) -> bytes:
    """Read what the server sends until it closes the connection (it must, within 10 s)."""
    sock.settimeout(10)
    chunks = []
    while chunk := sock.recv(4096):
        chunks.append(chunk)
    return b"".join(chunks)


def test_eight_bodies_that_never_arrive_are_cut_off_and_health_still_answers(served):
    port = served
    stalled = [_stall(port, path) for path in ["/console/login", "/api/v1/auth/login"] * (STALLED // 2)]
    try:
        started = time.monotonic()
        health = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30)
        assert health.status_code == 200
        assert time.monotonic() - started < 5  # a sanity bound; it hung for good before
        for sock in stalled:
            answer = _read_until_closed(sock).decode("utf-8", "replace")
            assert answer.startswith("HTTP/1.1 408") and '"code": "REQUEST_TIMEOUT"' in answer
    finally:
        for sock in stalled:
            sock.close()
    again = time.monotonic()
    assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=30).status_code == 200
    assert time.monotonic() - again < 2


def test_a_whole_body_sent_slowly_but_steadily_still_goes_through(served):
    port = served
    body = b'{"code": "x"}'
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: linli\r\nContent-Type: application/json\r\n"
                 b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
    for i in range(0, len(body), 4):
        time.sleep(0.2)
        sock.sendall(body[i:i + 4])
    sock.settimeout(10)
    head = sock.recv(4096).decode("utf-8", "replace")
    sock.close()
    assert not head.startswith("HTTP/1.1 408")

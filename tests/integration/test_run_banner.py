"""`make run` says where things are only once the web server answers, with the demo logins."""

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from core import run
from core.config import ROOT
from services.demo.console import ACCOUNTS
from services.demo.foundation import PEOPLE

pytestmark = pytest.mark.integration


def test_the_banner_names_the_console_every_demo_login_and_the_api_code_for_wang():
    text = run.banner("http://127.0.0.1:8000", demo=True)
    assert "http://127.0.0.1:8000/console/" in text
    for _openid, username, password in ACCOUNTS:
        assert f"{username} / {password}" in text
    assert '"code": "demo_elder_wang"' in text
    assert any(p["openid"] == "demo_elder_wang" for p in PEOPLE)
    assert "linli-" not in run.banner("https://linli.example", demo=False)


class _Degraded(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(503)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_listening_means_answering_even_degraded_and_a_dead_server_is_not_waited_for():
    server = HTTPServer(("127.0.0.1", 0), _Degraded)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])  # noqa: S603
    try:
        assert run.wait_until_listening(f"http://127.0.0.1:{server.server_port}/healthz", alive, 10)
    finally:
        alive.kill()
        alive.wait()
        server.shutdown()
        server.server_close()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    dead.wait()
    assert not run.wait_until_listening(f"http://127.0.0.1:{server.server_port}/healthz", dead, 10)


def test_migrating_says_one_line_and_no_alembic_chatter(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}", "LINLI_ENV": "demo"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "migrate"],  # noqa: S603
                          cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert "数据库已升级到最新版本" in done.stdout
    assert "alembic" not in done.stderr and "plugin" not in done.stderr

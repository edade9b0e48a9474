"""Four copies of a booking across two gunicorn workers (PostgreSQL, Redis): one booking."""

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from bot.simulator import WeChatSimulator, text_xml
from core import clock
from core.config import load_settings
from core.db import configure_database, dispose_database, session_scope
from core.migrate import upgrade_to_head
from models.meals import MealBooking
from tests import services

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


class HttpClient:
    """Just enough of Flask's test client over real HTTP for the simulator."""

    def __init__(self, base: str) -> None:
        self.base = base

    def post(self, url: str, *, data: bytes, headers: dict[str, str]):  # noqa: ANN201
        response = requests.post(self.base + url, data=data, headers=headers, timeout=15)
        response.get_data = lambda as_text=True: response.text  # type: ignore[attr-defined]
        return response


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served():
    if not (services.pg_available() and services.redis_available()):
        pytest.skip("needs PostgreSQL and Redis")
    name = f"linli_bot_gunicorn_{uuid.uuid4().hex[:8]}"
    url = services.create_pg_database(name)
    upgrade_to_head(url)
    configure_database(url)
    from services.demo import load_demo_data

    with session_scope() as s:
        load_demo_data(s)
    env = dict(os.environ, LINLI_ENV="test", DATABASE_URL=url, REDIS_URL=services.redis_url(),
               KV_PREFIX=f"linli-gunicorn-{uuid.uuid4().hex[:6]}:", LOG_LEVEL="WARNING",
               CLOCK_START=clock.now().isoformat())
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "30"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base)
        settings = load_settings(environ=env, dotenv=Path("/nonexistent"))
        yield WeChatSimulator(HttpClient(base), settings), url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        dispose_database(url)
        services.drop_pg_database(name)


def _wait_healthy(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def _bookings(url: str, openid: str) -> int:
    configure_database(url)
    from models.person import Person

    with session_scope() as s:
        person_id = s.scalar(select(Person.id).where(Person.oa_openid == openid))
        return s.scalar(select(func.count()).select_from(MealBooking)
                        .where(MealBooking.person_id == person_id))


def _confirm_copies(sim: WeChatSimulator, openid: str, msg_id: str,
                    text: str = "订后天午饭两份送到家") -> str:
    readback = sim.say(openid, text).content
    assert "1 确认" in readback
    return text_xml(openid, "1", msg_id=msg_id, create_time=int(clock.now().timestamp()))


def test_four_copies_at_once_across_two_workers(served):
    sim, url = served
    confirm = _confirm_copies(sim, "demo_elder_wang", "880001")
    replies: list = []
    barrier = threading.Barrier(4)

    def send() -> None:
        barrier.wait()
        replies.append(sim.post(confirm))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert [r.status for r in replies] == [200] * 4
    assert len({r.body for r in replies}) == 1 and "订好了" in replies[0].content
    assert _bookings(url, "demo_elder_wang") == 1


def test_four_copies_in_sequence_across_two_workers(served):
    sim, url = served
    # Li's canteen closes on Sundays: pick a day two or three days ahead that is open.
    day = "大后天" if (clock.today().isoweekday() + 2) % 7 == 0 else "后天"
    confirm = _confirm_copies(sim, "demo_elder_li", "880002", f"订{day}午饭两份，在食堂吃")
    replies = [sim.post(confirm) for _ in range(4)]
    assert len({r.body for r in replies}) == 1
    assert "订好了" in replies[0].content
    assert _bookings(url, "demo_elder_li") == 1

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from core import clock
from core.config import ROOT
from core.db import session_scope
from models.messaging import Notification
from scheduler.jobs import JOBS, build_scheduler
from scheduler.lease import Lease
from services.messaging.notifications import enqueue_notification
from tests import services as test_services
from tests.factories import make_person

pytestmark = pytest.mark.integration
TEMPLATE = "/cgi-bin/message/template/send"


def test_every_job_is_declared_once_and_registered_with_its_rules():
    ids = [job.id for job in JOBS]
    assert len(ids) == len(set(ids))
    scheduler = build_scheduler()
    registered = {job.id: job for job in scheduler.get_jobs()}
    assert set(registered) == set(ids)
    for job in JOBS:
        assert registered[job.id].coalesce is job.coalesce
        assert registered[job.id].misfire_grace_time == job.misfire_grace_time
        assert registered[job.id].max_instances == 1


def test_the_lease_has_one_holder_and_passes_on_when_it_lapses(kv):
    first, second = Lease(kv, ttl=1), Lease(kv, ttl=1)
    assert first.acquire() and not second.acquire()
    assert first.renew() and first.current_holder() == first.holder
    time.sleep(1.2)  # the holder died: no renewal
    assert second.acquire()
    assert not first.renew() and not first.acquire()
    second.release()
    assert first.acquire()


@pytest.fixture
def spawn(pg_db, redis_kv, fake_wechat):
    procs: list[subprocess.Popen] = []
    env = {**os.environ, "LINLI_ENV": "test", "DATABASE_URL": pg_db.url,
           "REDIS_URL": test_services.redis_url(), "KV_PREFIX": redis_kv.prefix,
           "WECHAT_API_BASE_URL": fake_wechat.url, "LOG_LEVEL": "WARNING",
           "CLOCK_START": clock.now().isoformat()}

    def start(*args: str) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-m", "scheduler", *args], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _seed(count: int, prefix: str) -> None:
    with session_scope() as s:
        people = [make_person(s) for _ in range(10)]
        for i in range(count):
            enqueue_notification(s, person_id=people[i % 10].id, template="meal_reminder",
                                 text=f"{prefix}{i}", dedupe_key=f"{prefix}{i}")


def _wait_until_sent(count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope() as s:
            sent = s.scalar(select(func.count()).where(Notification.status == "sent"))
        if sent == count:
            return
        time.sleep(0.3)
    raise AssertionError(f"only {sent} of {count} sent")


def _texts(fake_wechat):
    return [r["body"]["data"]["thing4"]["value"] for r in fake_wechat.requests_to(TEMPLATE)]


def test_two_dispatcher_processes_send_every_due_notification_once(spawn, fake_wechat):
    _seed(400, "d")
    a = spawn("dispatch", "--until-empty", "--batch-size", "20")
    b = spawn("dispatch", "--until-empty", "--batch-size", "20")
    assert a.wait(timeout=120) == 0 and b.wait(timeout=120) == 0
    _wait_until_sent(400, timeout=5)
    assert sorted(_texts(fake_wechat)) == sorted(f"d{i}" for i in range(400))


def test_killing_the_lease_holder_lets_the_other_scheduler_take_over(spawn, redis_kv,
                                                                     fake_wechat):
    first = spawn("--lease-ttl", "2")
    second = spawn("--lease-ttl", "2")
    _seed(30, "a")
    _wait_until_sent(30)
    holder = redis_kv.get("scheduler:lease")
    holder_pid = int(holder.split(":")[1])
    assert holder_pid in (first.pid, second.pid)
    survivor = second if holder_pid == first.pid else first
    os.kill(holder_pid, signal.SIGKILL)
    _seed(30, "b")
    _wait_until_sent(60, timeout=60)
    assert int(redis_kv.get("scheduler:lease").split(":")[1]) == survivor.pid
    assert sorted(_texts(fake_wechat)) == sorted([f"a{i}" for i in range(30)]
                                                 + [f"b{i}" for i in range(30)])

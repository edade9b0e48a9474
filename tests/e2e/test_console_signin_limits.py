"""Console sign-in: one message for every failure, limits per (username, address) and per address."""

import re

import pytest

from core.db import session_scope
from services.access.staff_accounts import create_staff_account
from tests.console_client import login
from tests.factories import make_person

pytestmark = pytest.mark.e2e
WRONG = "用户名或密码不对。"


def _message(response) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r'role="alert">([^<]+)<', response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)
    return match.group(1).strip()


@pytest.fixture
def new_staff(app):  # type: ignore[no-untyped-def]
    """A brand-new staff member with a console account: (username, password)."""
    with session_scope() as s:
        person = make_person(s, roles=("staff",), name="新社工")
        create_staff_account(s, person_id=person.id, username="zhao", password="zhao-secret-2026")
    return "zhao", "zhao-secret-2026"


def test_a_real_and_an_unknown_username_get_the_same_answers(client, new_staff):
    username, _password = new_staff
    real = [_message(login(client, username, "wrong-password", address="10.0.0.1")) for _ in range(6)]
    unknown = [_message(login(client, "nobody", "wrong-password", address="10.0.0.2")) for _ in range(6)]
    assert real == unknown
    assert real[:4] == [WRONG] * 4 and "次" not in real[0]  # no "tries left" for real names
    assert real[4] == "尝试次数太多，请15分钟后再试。"


def test_a_lock_from_one_address_leaves_the_staff_member_in_at_her_own_desk(
        app, client, new_staff, frozen_clock):
    username, password = new_staff
    for _ in range(5):
        login(client, username, "wrong-password", address="203.0.113.9")
    refused = login(client, username, password, address="203.0.113.9")
    assert refused.status_code == 200 and "尝试次数太多" in _message(refused)
    at_desk = login(app.test_client(), username, password, address="192.168.1.20")
    assert at_desk.status_code == 302 and at_desk.headers["Location"] == "/console/"
    frozen_clock.advance(minutes=16)
    assert login(client, username, password, address="203.0.113.9").status_code == 302


def test_one_address_spraying_many_usernames_is_stopped_and_no_one_else(app, client, new_staff):
    username, password = new_staff
    for n in range(20):
        assert login(client, f"guess{n}", "123456", address="198.51.100.7").status_code == 200
    stopped = login(client, username, password, address="198.51.100.7")
    assert "尝试次数太多" in _message(stopped)
    assert "尝试次数太多" in _message(login(client, "another-guess", "x", address="198.51.100.7"))
    assert login(app.test_client(), username, password, address="192.168.1.20").status_code == 302


def test_ipv6_addresses_in_one_slash_64_count_as_one(app, client, new_staff):
    username, password = new_staff
    for n in range(5):
        login(client, username, "wrong-password", address=f"2001:db8:1:2::{n + 1}")
    assert "尝试次数太多" in _message(login(client, username, password, address="2001:db8:1:2::99"))
    assert login(app.test_client(), username, password, address="2001:db8:1:3::1").status_code == 302

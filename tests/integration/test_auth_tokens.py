"""Linli's tokens: idle and absolute expiry on a frozen clock, revocation, never in a URL."""

import pytest

from core.db import session_scope
from core.errors import Unauthenticated
from services.access.tokens import authenticate_token, hash_token, issue_token, revoke_token
from tests.factories import make_person

pytestmark = pytest.mark.integration


@pytest.fixture
def token(db, frozen_clock):
    with session_scope() as s:
        return issue_token(s, person=make_person(s))


def _check(raw):
    with session_scope() as s:
        return authenticate_token(s, raw=raw).id


def test_token_is_long_random_and_stored_hashed(token):
    assert len(token) >= 43 and hash_token(token) != token  # 32 random bytes, base64
    from sqlalchemy import text

    with session_scope(readonly=True) as s:
        assert s.execute(text("SELECT token_hash FROM api_tokens")).scalar_one() == hash_token(token)


def test_idle_token_expires_after_seven_days(token, frozen_clock):
    frozen_clock.advance(days=6, hours=23)
    assert _check(token)
    frozen_clock.advance(days=6, hours=23)  # used within 7 days: still alive
    assert _check(token)
    frozen_clock.advance(days=7)
    with pytest.raises(Unauthenticated):
        _check(token)


def test_token_dies_after_thirty_days_however_often_used(token, frozen_clock):
    for _ in range(29):
        frozen_clock.advance(days=1)
        assert _check(token)
    frozen_clock.advance(days=1)
    with pytest.raises(Unauthenticated):
        _check(token)


def test_revoked_token_is_refused(token):
    with session_scope() as s:
        revoke_token(s, raw=token)
    with pytest.raises(Unauthenticated):
        _check(token)


@pytest.mark.parametrize("name", ["token", "access_token", "auth", "authorization"])
def test_token_in_the_query_string_is_refused_even_with_a_header(client, token_for, name):
    with session_scope() as s:
        person_id = make_person(s).id
    token = token_for(person_id)
    response = client.get(f"/api/v1/me?{name}={token}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.get_json()["message"] == "请在请求头中携带登录凭证。"


def test_wrong_scheme_is_refused(client, token_for):
    with session_scope() as s:
        person_id = make_person(s).id
    token = token_for(person_id)
    assert client.get("/api/v1/me", headers={"Authorization": f"Token {token}"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200

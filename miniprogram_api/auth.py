"""Bearer-token authentication for every mini-program route."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import g, request

from core.errors import Unauthenticated
from core.uow import db
from miniprogram_api.ratelimit import limit_person
from models.person import Person
from services.access.tokens import authenticate_token

F = TypeVar("F", bound=Callable[..., Any])
_QUERY_TOKEN_NAMES = ("token", "access_token", "auth", "authorization")


def bearer_token() -> str:
    """Return the token from the Authorization header; never from the query string."""
    if any(name in request.args for name in _QUERY_TOKEN_NAMES):
        raise Unauthenticated("请在请求头中携带登录凭证。")
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise Unauthenticated()
    return raw.strip()


def current_person() -> Person:
    """Return the signed-in person for this request."""
    person: Person | None = g.get("person")
    if person is None:
        person = authenticate_token(db(), raw=bearer_token())
        g.person = person
        limit_person(person.id)
    return person


def login_required(view: F) -> F:
    """Refuse the request with 401 unless it carries a live token."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        current_person()
        return view(*args, **kwargs)

    wrapper.__login_required__ = True  # type: ignore[attr-defined]
    return cast(F, wrapper)

"""Idempotency-Key on creating POSTs: same key and body → the stored response."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, jsonify, make_response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import clock
from core.errors import IdempotencyMismatch, ValidationFailed
from core.uow import db
from miniprogram_api.auth import current_person
from models.auth import IdempotencyRecord

F = TypeVar("F", bound=Callable[..., Any])
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_\-:.]{8,128}$")


def _replay(record: IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise IdempotencyMismatch()
    response = jsonify(record.response)
    response.status_code = record.status_code
    response.headers["Idempotent-Replayed"] = "true"
    return response


def idempotent(view: F) -> F:
    """Store the first successful response under (person, key) and replay it."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(*args, **kwargs)
        if not KEY_PATTERN.match(key):
            raise ValidationFailed("Idempotency-Key 应为 8 到 128 位字母、数字或 -_:.")
        person = current_person()
        session = db()
        request_hash = hashlib.sha256(request.path.encode() + b"\n" + request.get_data()).hexdigest()
        lookup = select(IdempotencyRecord).where(
            IdempotencyRecord.person_id == person.id, IdempotencyRecord.key == key
        )
        existing = session.scalar(lookup)
        if existing is not None:
            return _replay(existing, request_hash)
        record = IdempotencyRecord(
            person_id=person.id, key=key, request_hash=request_hash, status_code=0,
            created_at=clock.now(),
        )
        try:
            with session.begin_nested():
                session.add(record)
        except IntegrityError:
            # Another request with the same key committed first: answer as it did.
            return _replay(session.scalars(lookup).one(), request_hash)
        response = make_response(view(*args, **kwargs))
        if response.status_code < 400:
            record.status_code = response.status_code
            record.response = response.get_json(silent=True)
            session.flush()
        return response

    wrapper.__idempotent__ = True  # type: ignore[attr-defined]
    return cast(F, wrapper)

"""Idempotency-Key on creating POSTs: same key and body → the stored response."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, jsonify, make_response, request

from core.errors import ValidationFailed
from core.uow import db
from miniprogram_api.auth import current_person
from models.auth import IdempotencyRecord
from services.operations.idempotency import claim_idempotency_key, store_idempotent_response

F = TypeVar("F", bound=Callable[..., Any])
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_\-:.]{8,128}$")


def _replay(record: IdempotencyRecord) -> Response:
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
        request_hash = hashlib.sha256(request.path.encode() + b"\n" + request.get_data()).hexdigest()
        claim = claim_idempotency_key(db(), person_id=person.id, key=key, request_hash=request_hash)
        if not claim.first:
            return _replay(claim.record)
        response = make_response(view(*args, **kwargs))
        if response.status_code < 400:
            store_idempotent_response(db(), record=claim.record, status_code=response.status_code,
                                      body=response.get_json(silent=True))
        return response

    wrapper.__idempotent__ = True  # type: ignore[attr-defined]
    return cast(F, wrapper)

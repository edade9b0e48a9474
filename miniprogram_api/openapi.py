"""OpenAPI 3 for /api/v1, generated from the URL map and each view's `@api_doc`.

Every /api/v1 rule appears with its methods whether or not its view is
annotated; `@api_doc(body=, query=, response=, summary=)` declares the pydantic
models once: the view's request is read into them and the document shows them,
so the two cannot drift apart as routes are added.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, jsonify
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.routing import Rule

from core.errors import ErrorCode
from core.validation import parse_body, parse_query
from miniprogram_api import MAX_ID, bp
from miniprogram_api.idempotency import KEY_PATTERN

F = TypeVar("F", bound=Callable[..., Any])
PREFIX = "/api/v1"
_ARG = re.compile(r"<(?:(?P<conv>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_REF = "#/components/schemas/{model}"


def _codes_by_status() -> str:
    statuses: dict[str, list[str]] = {}
    for entry in ErrorCode:
        statuses.setdefault(str(entry.status or "其他"), []).append(entry.name)
    return "；".join(f"{status}: {', '.join(names)}" for status, names in statuses.items())


# The envelope, with its codes and their statuses read from the one catalogue (core/errors.py).
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message", "request_id"],
    "properties": {
        "code": {"type": "string", "enum": [entry.name for entry in ErrorCode],
                 "description": f"稳定的错误码（按 HTTP 状态）：{_codes_by_status()}"},
        "message": {"type": "string", "description": "给用户看的简短中文说明"},
        "request_id": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "scopes": {"type": "array", "items": {"type": "string"}},
    },
}


@dataclass(frozen=True)
class ApiDoc:
    """What a view declares about itself for the document."""

    summary: str | None = None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    also: tuple[int, ...] = ()  # other success statuses with the same body


def api_doc(
    *,
    summary: str | None = None,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    also: tuple[int, ...] = (),
) -> Callable[[F], F]:
    """Declare a view's request and response models: the one schema of the route.

    The document takes the models from here, and the view gets its request read
    into them: `body=` parses the JSON body into the view's `body` argument,
    `query=` the query string into its `query` argument (400 with the fields
    otherwise). Put it directly above the view, under `@login_required` and
    `@idempotent`, so the caller is checked before the request is read.
    """

    def declare(view: F) -> F:
        if any(hasattr(view, mark) for mark in ("__login_required__", "__idempotent__")):
            raise TypeError(f"{view.__name__}: put @api_doc under @login_required and @idempotent")
        doc = ApiDoc(summary, body, query, response, status, also)
        if query is not None:
            view = _reading_query(view, query)
        if body is not None:
            view = _reading_body(view, body)
        view.__api_doc__ = doc  # type: ignore[attr-defined]
        return view

    return declare


def _like(reader: Callable[..., Any], view: Callable[..., Any]) -> Any:
    # The reader takes fewer arguments than the view (it supplies `body` / `query`), so it
    # is not marked as wrapping it: inspection stops here, at the code that reads the request.
    functools.update_wrapper(reader, view)
    del reader.__wrapped__  # type: ignore[attr-defined]
    return reader


def _reading_body(view: Callable[..., Any], model: type[BaseModel]) -> Any:
    def read_body(*args: Any, **kwargs: Any) -> Any:
        return view(*args, body=parse_body(model), **kwargs)

    return _like(read_body, view)


def _reading_query(view: Callable[..., Any], model: type[BaseModel]) -> Any:
    def read_query(*args: Any, **kwargs: Any) -> Any:
        return view(*args, query=parse_query(model), **kwargs)

    return _like(read_query, view)


def _path(rule: Rule) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for match in _ARG.finditer(rule.rule):
        is_int = match["conv"] == "int"
        schema = {"type": "integer", "minimum": 0, "maximum": MAX_ID} if is_int else {
            "type": "string"}
        params.append({"name": match["name"], "in": "path", "required": True, "schema": schema})
    return _ARG.sub(lambda m: "{" + m["name"] + "}", rule.rule), params


def _query_params(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=_REF)
    schemas.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    return [{"name": name, "in": "query", "required": name in required, "schema": prop}
            for name, prop in schema.get("properties", {}).items()]


Refs = Mapping[tuple[Any, Any], Any]


def _operation(view: Any, endpoint: str, method: str, params: list[dict[str, Any]],
               schemas: dict[str, Any], refs: Refs) -> dict[str, Any]:
    doc: ApiDoc = getattr(view, "__api_doc__", ApiDoc())
    success: dict[str, Any] = {"description": "成功"}
    if doc.response is not None:
        success["content"] = {"application/json": {"schema": refs[(doc.response, "serialization")]}}
    error = {"$ref": "#/components/responses/Error"}
    op: dict[str, Any] = {
        "operationId": f"{endpoint}.{method.lower()}",
        "summary": doc.summary or (view.__doc__ or endpoint).strip().splitlines()[0],
        "parameters": list(params),
        "responses": {**{str(code): success for code in (doc.status, *doc.also)},
                      "4XX": error, "5XX": error},
        "security": [{"bearer": []}] if getattr(view, "__login_required__", False) else [],
    }
    if doc.query is not None:
        op["parameters"] += _query_params(doc.query, schemas)
    if getattr(view, "__idempotent__", False):
        op["parameters"].append({"name": "Idempotency-Key", "in": "header", "required": False,
                                 "schema": {"type": "string", "pattern": KEY_PATTERN.pattern}})
    if doc.body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": refs[(doc.body, "validation")]}}}
    return op


def _models(app: Flask) -> list[tuple[type[BaseModel], Any]]:
    found: dict[tuple[type[BaseModel], str], None] = {}
    for view in app.view_functions.values():
        doc: ApiDoc | None = getattr(view, "__api_doc__", None)
        if doc is None:
            continue
        for model, mode in ((doc.body, "validation"), (doc.query, "validation"),
                            (doc.response, "serialization")):
            if model is not None:
                found[(model, mode)] = None
    return list(found)


def build_openapi(app: Flask) -> dict[str, Any]:
    """Build the OpenAPI 3.1 document for every /api/v1 rule of an app."""
    refs, top = models_json_schema(_models(app), ref_template=_REF)  # type: ignore[arg-type]
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(PREFIX):
            continue
        path, params = _path(rule)
        view = app.view_functions[rule.endpoint]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                view, rule.endpoint, method, params, schemas, refs)
    return {
        "openapi": "3.1.0",
        "info": {"title": "邻里帮 Linli 小程序接口", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": {**schemas, "Error": ERROR_SCHEMA},
            "responses": {"Error": {"description": "错误（统一格式）", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@bp.get("/openapi.json")
@api_doc(summary="本接口的 OpenAPI 3 文档")
def openapi_document() -> Any:
    """Serve the OpenAPI document (built once per app)."""
    cached = current_app.extensions.get("linli.openapi")
    if cached is None:
        cached = current_app.extensions["linli.openapi"] = build_openapi(current_app)
    return jsonify(cached)

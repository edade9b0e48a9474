"""One validation library (pydantic) for request bodies and queries, the API's and the console's alike."""

from __future__ import annotations

import json
import re
import types
from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from flask import Response, jsonify, request
from pydantic import BaseModel, ConfigDict, PlainSerializer, WithJsonSchema
from pydantic import ValidationError as PydanticError

from core.errors import UnsupportedMediaType, ValidationFailed

M = TypeVar("M", bound=BaseModel)

_MESSAGES = {
    "missing": "必填",
    "extra_forbidden": "不认识这个字段",
    "string_too_long": "太长了",
    "string_too_short": "太短了",
    "greater_than_equal": "数值太小",
    "less_than_equal": "数值太大",
    "greater_than": "数值太小",
    "less_than": "数值太大",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "literal_error": "不是允许的取值",
    "enum": "不是允许的取值",
    "string_pattern_mismatch": "格式不对",
    "date_past": "日期不在合理范围内",
    # Strict JSON bodies: a value of the wrong JSON type is refused, never coerced.
    "bool_type": "应为 true 或 false",
    "int_type": "应为整数",
    "float_type": "应为数字",
    "string_type": "应为文字",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "datetime_type": "时间格式应为 YYYY-MM-DDTHH:MM:SS+08:00",
    "list_type": "应为列表",
    "model_type": "应为对象",
}
# pydantic reads "0" or "1764432000" as a Unix time: a date is only ever written out.
_ISO = {date: re.compile(r"\d{4}-\d{2}-\d{2}"),
        datetime: re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")}
_ISO_MESSAGES = {date: "日期格式应为 YYYY-MM-DD", datetime: "时间格式应为 YYYY-MM-DDTHH:MM:SS+08:00"}


class Body(BaseModel):
    """Base for request bodies: unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Query(BaseModel):
    """Base for query strings: unknown parameters are ignored."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


def _fields(error: PydanticError) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in error.errors():
        name = ".".join(str(p) for p in item["loc"]) or "body"
        fields[name] = _MESSAGES.get(item["type"], "格式不对")
    return fields


def _nul_fields(data: Any, path: str = "") -> dict[str, str]:
    # PostgreSQL cannot store NUL in text: refuse it here, as a field error, not a 500.
    if isinstance(data, str):
        return {path or "body": "含有不允许的字符"} if "\x00" in data else {}
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return {}
    found: dict[str, str] = {}
    for key, value in items:
        found.update(_nul_fields(value, f"{path}.{key}" if path else str(key)))
    return found


def _temporal_kind(annotation: Any) -> type[date] | None:
    """date or datetime when a field holds one (also inside Optional), else None."""
    if annotation in (date, datetime):
        return annotation  # type: ignore[no-any-return]
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = {_temporal_kind(arg) for arg in get_args(annotation)} - {None}
        return kinds.pop() if len(kinds) == 1 else None
    return None


@cache
def _temporal_fields(model: type[BaseModel]) -> dict[str, type[date]]:
    fields = {}
    for name, field in model.model_fields.items():
        kind = _temporal_kind(field.annotation)
        if kind is not None:
            fields[field.alias or name] = kind
    return fields


def _loose_dates(model: type[BaseModel], data: Any) -> dict[str, str]:
    """Dates and times given as numbers or Unix-time strings (e.g. ?date=0), by field."""
    if not isinstance(data, dict):
        return {}
    bad = {}
    for key, kind in _temporal_fields(model).items():
        value = data.get(key)
        if value is not None and not (isinstance(value, str) and _ISO[kind].fullmatch(value.strip())):
            bad[key] = _ISO_MESSAGES[kind]
    return bad


def validate(model: type[M], data: Any, *, strict: bool = False) -> M:
    """Validate data against a model or raise VALIDATION_ERROR with the fields.

    Dates must be written out (2026-11-30), never a number. `strict` (JSON bodies) also
    refuses a value of the wrong JSON type: 0 is not false, "2" is not 2.
    """
    bad = _nul_fields(data) or _loose_dates(model, data)
    if bad:
        raise ValidationFailed(fields=bad)
    try:
        if strict:
            return model.model_validate_json(json.dumps(data), strict=True)
        return model.model_validate(data)
    except PydanticError as exc:
        raise ValidationFailed(fields=_fields(exc)) from None


def parse_body(model: type[M]) -> M:
    """Read the JSON body into a model, strictly typed (415 for non-JSON, 400 for bad fields)."""
    if not request.is_json:
        raise UnsupportedMediaType()
    data = request.get_json(silent=True)
    if data is None:
        raise ValidationFailed("请求内容不是有效的 JSON。")
    if not isinstance(data, dict):
        raise ValidationFailed("请求内容应为 JSON 对象。")
    return validate(model, data, strict=True)


def parse_query(model: type[M]) -> M:
    """Read the query string into a model (400 for bad values)."""
    return validate(model, request.args.to_dict())


# A moment in a response, written as `datetime.isoformat()` writes it: "+00:00", where
# pydantic alone would write "Z".
Moment = Annotated[
    datetime,
    PlainSerializer(lambda at: at.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def reply(model: BaseModel, status: int = 200) -> Response:
    """Serialise a response model as the JSON body."""
    response = jsonify(model.model_dump(mode="json"))
    response.status_code = status
    return response

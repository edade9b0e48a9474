"""Keyset pagination with a maximum page size, the same on every list route."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from core.validation import Query, parse_query

MAX_PAGE_SIZE = 100
T = TypeVar("T")


class PageQuery(Query):
    limit: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE)
    cursor: int | None = Field(default=None, ge=0, le=2**31 - 1)  # ids fit an INTEGER column


def page_args() -> PageQuery:
    """Read `limit` (1–100, default 20) and `cursor` (the last id seen)."""
    return parse_query(PageQuery)


def page(items: list[dict[str, Any]], *, limit: int, key: str = "id") -> dict[str, Any]:
    """Wrap up to `limit` items (fetch limit + 1 to know if more follow)."""
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": items[-1][key] if more and items else None}


class Page(BaseModel, Generic[T]):
    """The shape of every list response: `Page[ItemModel]` in `@api_doc(response=...)`."""

    items: list[T]
    next_cursor: int | None = None

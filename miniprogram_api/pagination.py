"""Keyset pagination with a maximum page size, the same on every list route."""

from __future__ import annotations

from typing import Generic, Self, TypeVar

from pydantic import BaseModel, Field

from core.validation import Query

MAX_PAGE_SIZE = 100
T = TypeVar("T")


class PageQuery(Query):
    """`limit` (1–100, default 20) and `cursor` (the last id seen), read by `@api_doc(query=)`."""

    limit: int = Field(default=20, ge=1, le=MAX_PAGE_SIZE)
    cursor: int | None = Field(default=None, ge=0, le=2**31 - 1)  # ids fit an INTEGER column


class Page(BaseModel, Generic[T]):
    """The shape of every list response: `Page[ItemModel]` in `@api_doc(response=...)`."""

    items: list[T]
    next_cursor: int | None = None

    @classmethod
    def of(cls, items: list[T], *, limit: int, key: str = "id") -> Self:
        """Wrap up to `limit` items (fetch limit + 1 to know if more follow)."""
        more = len(items) > limit
        items = items[:limit]
        return cls(items=items, next_cursor=getattr(items[-1], key) if more and items else None)

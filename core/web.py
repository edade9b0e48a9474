"""Small HTTP helpers shared by the doors (the API and the console)."""

from __future__ import annotations

from urllib.parse import quote


def attachment(filename: str) -> str:
    """Return a `Content-Disposition` for a download named in any language (RFC 6266).

    HTTP headers travel as Latin-1: a Chinese `filename=` makes gunicorn refuse the
    response. The plain `filename=` keeps only ASCII (for old clients); browsers take
    the UTF-8 `filename*=` and save the file under its Chinese name.
    """
    ascii_name = "".join(c for c in filename if c.isascii() and (c.isalnum() or c in "._-"))
    stem, _, ext = filename.rpartition(".")
    if not ascii_name.strip("._-") or ascii_name == f".{ext}":
        ascii_name = f"export.{ext}" if stem else "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"

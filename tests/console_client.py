"""Drive the staff console with Flask's test client: sign in and post forms with the CSRF token."""

from __future__ import annotations

import re
from typing import Any

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """Return the CSRF token embedded in a page."""
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def login(client: Any, username: str = "liu", password: str = "linli-liu-2026", *,
          address: str = "127.0.0.1") -> Any:
    """Sign in through the login form from a client address; return the response of the POST."""
    where = {"REMOTE_ADDR": address}
    page = client.get("/console/login", environ_base=where)
    token = csrf_from(page.get_data(as_text=True))
    return client.post("/console/login", data={"username": username, "password": password,
                                               "csrf_token": token}, environ_base=where)


def post_form(client: Any, page_path: str, action: str, data: dict[str, str]) -> Any:
    """Open a page, take its CSRF token, and post a form to `action`."""
    token = csrf_from(client.get(page_path).get_data(as_text=True))
    return client.post(action, data={**data, "csrf_token": token})

"""The demo console accounts, as the README prints them (their sign-in is refused in production)."""

from __future__ import annotations

import hmac

# Demo only: documented in docs/console.md; never use these outside `make run`.
ACCOUNTS = (
    ("demo_staff_liu", "liu", "linli-liu-2026"),
    ("demo_staff_chen", "chen", "linli-chen-2026"),
    ("demo_supervisor_zhao", "zhao", "linli-zhao-2026"),
    ("demo_charity_zhou", "zhou", "linli-zhou-2026"),  # the charity's referrals page
)


def is_published_login(username: str, password: str) -> bool:
    """Tell whether a username and password are a demo account's, as printed in the README."""
    name = username.strip().lower()
    return any(name == user and hmac.compare_digest(password.encode(), known.encode())
               for _openid, user, known in ACCOUNTS)

"""What can go wrong when Linli talks to the WeChat API, sorted by what to do next."""

from __future__ import annotations

# The access token is stale or wrong: refresh once, retry once.
TOKEN_ERRORS = frozenset({40001, 40014, 42001})
# WeChat is busy: retry a few times with backoff.
TRANSIENT_ERRORS = frozenset({-1})
# A call quota is used up: stop calling this API for a while.
QUOTA_ERRORS = frozenset({45009, 45011})
# The 48-hour customer-service window is closed or its count used up.
SERVICE_WINDOW_CLOSED = frozenset({45015, 45047})
NO_SUBSCRIBE_CREDIT = 43101
NOT_FOLLOWING = 43004


class WeChatError(RuntimeError):
    """WeChat answered with a non-zero errcode (permanent unless a subclass says otherwise)."""

    def __init__(self, errcode: int, errmsg: str = "", *, api: str = "") -> None:
        self.errcode = errcode
        self.errmsg = errmsg
        self.api = api
        super().__init__(f"{api}: errcode={errcode} {errmsg}".strip())


class WeChatTransientError(WeChatError):
    """WeChat was busy or did not answer in time, even after the bounded retries."""


class WeChatQuotaExceeded(WeChatError):
    """A daily or per-minute quota is used up (45009); calls back off until it resets."""


class WeChatTokenError(WeChatError):
    """The access token was refused twice in a row, or could not be fetched."""


def error_for(errcode: int, errmsg: str, *, api: str) -> WeChatError:
    """Build the error class that tells the caller what to do with `errcode`."""
    if errcode in TRANSIENT_ERRORS:
        return WeChatTransientError(errcode, errmsg, api=api)
    if errcode in QUOTA_ERRORS:
        return WeChatQuotaExceeded(errcode, errmsg, api=api)
    if errcode in TOKEN_ERRORS:
        return WeChatTokenError(errcode, errmsg, api=api)
    return WeChatError(errcode, errmsg, api=api)

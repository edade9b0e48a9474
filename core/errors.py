"""The error contract: domain errors raised anywhere, rendered once.

Every error becomes `{"code", "message", "request_id"}` (plus `fields` for
validation) with its HTTP status. Messages are short Simplified Chinese for
the person in front of the screen; never SQL, a path or a traceback.
"""

from __future__ import annotations

from typing import Any, ClassVar


class LinliError(Exception):
    """A failure a caller can act on; carries a stable code and a status."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "BAD_REQUEST"
    default_message: ClassVar[str] = "请求有误，请检查后重试。"

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        body.update(self.details)
        return body


class ValidationFailed(LinliError):
    status = 400
    code = "VALIDATION_ERROR"
    default_message = "填写的内容有误，请检查后重试。"


class Unauthenticated(LinliError):
    status = 401
    code = "UNAUTHENTICATED"
    default_message = "请先登录。"


class NotAllowed(LinliError):
    status = 403
    code = "FORBIDDEN"
    default_message = "您没有权限做这件事。"


class NotFound(LinliError):
    """Also used for objects the caller may not see, so they cannot be probed."""

    status = 404
    code = "NOT_FOUND"
    default_message = "没有找到要找的内容。"


class Conflict(LinliError):
    status = 409
    code = "CONFLICT"
    default_message = "操作冲突，请刷新后重试。"


class InvalidTransition(Conflict):
    code = "INVALID_TRANSITION"
    default_message = "当前状态下不能这样操作。"


class IdempotencyMismatch(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"
    default_message = "同一个请求编号已用于不同的内容。"


class PayloadTooLarge(LinliError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"
    default_message = "提交的内容太大了。"


class UnsupportedMediaType(LinliError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"
    default_message = "请用 JSON 格式提交。"


class Unprocessable(LinliError):
    status = 422
    code = "UNPROCESSABLE"
    default_message = "这个请求现在无法处理。"


class ConsentRequired(Unprocessable):
    code = "CONSENT_REQUIRED"
    default_message = "需要您先同意相关授权。"


class RateLimited(LinliError):
    status = 429
    code = "RATE_LIMITED"
    default_message = "操作太频繁，请稍后再试。"

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServiceUnavailable(LinliError):
    status = 503
    code = "SERVICE_UNAVAILABLE"
    default_message = "服务暂时不可用，请稍后再试。"


class DecryptionError(RuntimeError):
    """A stored value could not be decrypted: wrong key or tampered data."""

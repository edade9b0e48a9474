"""The error contract: one catalogue of codes; domain errors raised anywhere, rendered once.

`ErrorCode` lists every code an answer can carry, with its HTTP status and default
message; `LinliError` subclasses name their entry, and the rendering
(core/envelope.py) and the OpenAPI document derive from the same catalogue.
Every error becomes `{"code", "message", "request_id"}` (plus `fields` for
validation) with its HTTP status. Messages are short Simplified Chinese for
the person in front of the screen; never SQL, a path or a traceback.
"""

from __future__ import annotations

from enum import Enum, unique
from typing import Any, ClassVar


@unique
class ErrorCode(Enum):
    """Every error code, with its HTTP status and default message (status None: the HTTP one)."""

    # The contract's general codes.
    BAD_REQUEST = (400, "请求有误，请检查后重试。")
    VALIDATION_ERROR = (400, "填写的内容有误，请检查后重试。")
    UNAUTHENTICATED = (401, "请先登录。")
    FORBIDDEN = (403, "您没有权限做这件事。")
    NOT_FOUND = (404, "没有找到要找的内容。")
    METHOD_NOT_ALLOWED = (405, "不支持这种请求方式。")
    REQUEST_TIMEOUT = (408, "内容没有传完，请重试。")
    CONFLICT = (409, "操作冲突，请刷新后重试。")
    INVALID_TRANSITION = (409, "当前状态下不能这样操作。")
    IDEMPOTENCY_KEY_REUSED = (409, "同一个请求编号已用于不同的内容。")
    PAYLOAD_TOO_LARGE = (413, "提交的内容太大了。")
    UNSUPPORTED_MEDIA_TYPE = (415, "请用 JSON 格式提交。")
    UNPROCESSABLE = (422, "这个请求现在无法处理。")
    CONSENT_REQUIRED = (422, "需要您先同意相关授权。")
    RATE_LIMITED = (429, "操作太频繁，请稍后再试。")
    INTERNAL_ERROR = (500, "系统出了点问题，请稍后再试。")
    SERVICE_UNAVAILABLE = (503, "服务暂时不可用，请稍后再试。")
    HTTP_ERROR = (None, "请求无法完成。")
    # Sign-in and the console.
    LOGIN_CODE_INVALID = (401, "登录码无效或已用过，请重新打开小程序。")
    CSRF_FAILED = (403, "页面已过期，请刷新后重试。")
    # Meals.
    SOLD_OUT = (409, "这一餐已经订满了。可以换一餐，或选附近其他助餐点。")
    ALREADY_BOOKED = (409, "您已经订了这一餐，不用重复订。要改份数，请先取消再订。")
    STANDING_ORDER_EXISTS = (409, "这一餐已经有长期订餐了。要改，请先停掉原来的再订。")
    PAST_CUTOFF = (422, "已过订餐截止时间。可以订下一餐，或选其他日子。")
    CANTEEN_CLOSED = (422, "助餐点这一餐不营业。可以换一餐，或选附近其他助餐点。")
    OUT_OF_DELIVERY_AREA = (422, "您家不在送餐范围内。可以到店用餐，或请家人代取。")
    NOT_REGISTERED = (422, "请先在小程序“我的”页面填写姓名和出生日期，再来订助餐。"
                           "也可以请社区工作人员帮忙登记。")
    # Volunteers and activities.
    VOLUNTEER_NOT_VERIFIED = (403, "您的志愿者身份还在审核，通过后才能记录服务。")
    TOO_FAR_AWAY = (400, "您离服务地点太远了，到了再签到吧。")
    WRONG_ATTENDANCE_CODE = (400, "签到码不对，请看清现场的签到码。")
    SERVICE_OVERLAP = (409, "这段时间您已经有服务记录了。")
    DAILY_CAP_EXCEEDED = (409, "一天最多记12小时服务。")
    INSUFFICIENT_POINTS = (409, "积分不够了。")
    OUT_OF_STOCK = (409, "这个奖品已经兑完了。")
    ACTIVITY_FULL = (409, "名额已满，下次早点报名。")
    SIGNUP_CLOSED = (409, "报名已经截止了。")
    # Help requests and charity funds.
    ALREADY_RATED = (409, "这条求助已经评价过了，谢谢您。")
    FUND_EMPTY = (409, "基金余额不够这笔支出。")

    def __init__(self, status: int | None, message: str) -> None:
        self.status = status
        self.message = message


# The code an HTTP refusal from the framework (no route, wrong method, ...) answers with.
HTTP_STATUS_CODES: dict[int, ErrorCode] = {
    code.status: code for code in (
        ErrorCode.BAD_REQUEST, ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN,
        ErrorCode.NOT_FOUND, ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.CONFLICT,
        ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.UNSUPPORTED_MEDIA_TYPE, ErrorCode.RATE_LIMITED)
    if code.status is not None
}


class LinliError(Exception):
    """A failure a caller can act on; names its catalogue entry (`error`).

    `code`, `status` and `default_message` are read from the entry; a subclass
    sets `error = ErrorCode.X` and nothing else.
    """

    error: ClassVar[ErrorCode] = ErrorCode.BAD_REQUEST
    status: ClassVar[int] = 400
    code: ClassVar[str] = ErrorCode.BAD_REQUEST.name
    default_message: ClassVar[str] = ErrorCode.BAD_REQUEST.message

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.error.status is None:
            raise TypeError(f"{cls.__name__}: {cls.error.name} has no status of its own")
        cls.status = cls.error.status
        cls.code = cls.error.name
        cls.default_message = cls.error.message

    def __init__(self, message: str | None = None, **details: Any) -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(self.message)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        body.update(self.details)
        return body


class ValidationFailed(LinliError):
    error = ErrorCode.VALIDATION_ERROR


class Unauthenticated(LinliError):
    error = ErrorCode.UNAUTHENTICATED


class NotAllowed(LinliError):
    error = ErrorCode.FORBIDDEN


class NotFound(LinliError):
    """Also used for objects the caller may not see, so they cannot be probed."""

    error = ErrorCode.NOT_FOUND


class Conflict(LinliError):
    error = ErrorCode.CONFLICT


class InvalidTransition(Conflict):
    error = ErrorCode.INVALID_TRANSITION


class IdempotencyMismatch(Conflict):
    error = ErrorCode.IDEMPOTENCY_KEY_REUSED


class PayloadTooLarge(LinliError):
    error = ErrorCode.PAYLOAD_TOO_LARGE


class UnsupportedMediaType(LinliError):
    error = ErrorCode.UNSUPPORTED_MEDIA_TYPE


class Unprocessable(LinliError):
    error = ErrorCode.UNPROCESSABLE


class ConsentRequired(Unprocessable):
    error = ErrorCode.CONSENT_REQUIRED


class RateLimited(LinliError):
    error = ErrorCode.RATE_LIMITED

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServiceUnavailable(LinliError):
    error = ErrorCode.SERVICE_UNAVAILABLE


class DecryptionError(RuntimeError):
    """A stored value could not be decrypted: wrong key or tampered data."""

"""Domain errors for volunteering, points and activities (stable codes, Chinese messages)."""

from __future__ import annotations

from core.errors import Conflict, NotAllowed, ValidationFailed


class VolunteerNotVerified(NotAllowed):
    code = "VOLUNTEER_NOT_VERIFIED"
    default_message = "您的志愿者身份还在审核，通过后才能记录服务。"


class ServiceOverlap(Conflict):
    code = "SERVICE_OVERLAP"
    default_message = "这段时间您已经有服务记录了。"


class DailyCapExceeded(Conflict):
    code = "DAILY_CAP_EXCEEDED"
    default_message = "一天最多记12小时服务。"


class TooFarAway(ValidationFailed):
    code = "TOO_FAR_AWAY"
    default_message = "您离服务地点太远了，到了再签到吧。"


class InsufficientPoints(Conflict):
    code = "INSUFFICIENT_POINTS"
    default_message = "积分不够了。"


class OutOfStock(Conflict):
    code = "OUT_OF_STOCK"
    default_message = "这个奖品已经兑完了。"


class ActivityFull(Conflict):
    code = "ACTIVITY_FULL"
    default_message = "名额已满，下次早点报名。"


class SignupClosed(Conflict):
    code = "SIGNUP_CLOSED"
    default_message = "报名已经截止了。"


class WrongAttendanceCode(ValidationFailed):
    code = "WRONG_ATTENDANCE_CODE"
    default_message = "签到码不对，请看清现场的签到码。"


class LedgerMismatch(RuntimeError):
    """Stored balances or entries disagree with the ledger's sums."""

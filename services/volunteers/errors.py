"""Domain errors for volunteering, points and activities (stable codes, Chinese messages)."""

from __future__ import annotations

from core.errors import Conflict, ErrorCode, NotAllowed, ValidationFailed


class VolunteerNotVerified(NotAllowed):
    error = ErrorCode.VOLUNTEER_NOT_VERIFIED


class ServiceOverlap(Conflict):
    error = ErrorCode.SERVICE_OVERLAP


class DailyCapExceeded(Conflict):
    error = ErrorCode.DAILY_CAP_EXCEEDED


class TooFarAway(ValidationFailed):
    error = ErrorCode.TOO_FAR_AWAY


class InsufficientPoints(Conflict):
    error = ErrorCode.INSUFFICIENT_POINTS


class OutOfStock(Conflict):
    error = ErrorCode.OUT_OF_STOCK


class ActivityFull(Conflict):
    error = ErrorCode.ACTIVITY_FULL


class SignupClosed(Conflict):
    error = ErrorCode.SIGNUP_CLOSED


class WrongAttendanceCode(ValidationFailed):
    error = ErrorCode.WRONG_ATTENDANCE_CODE


class LedgerMismatch(RuntimeError):
    """Stored balances or entries disagree with the ledger's sums."""

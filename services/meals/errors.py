"""Meal errors that name the reason and say what to do instead."""

from __future__ import annotations

from core.errors import Conflict, ErrorCode, Unprocessable


class SoldOut(Conflict):
    error = ErrorCode.SOLD_OUT


class AlreadyBooked(Conflict):
    error = ErrorCode.ALREADY_BOOKED


class PastCutoff(Unprocessable):
    error = ErrorCode.PAST_CUTOFF


class CanteenClosed(Unprocessable):
    error = ErrorCode.CANTEEN_CLOSED


class OutOfDeliveryArea(Unprocessable):
    error = ErrorCode.OUT_OF_DELIVERY_AREA


class NotRegistered(Unprocessable):
    error = ErrorCode.NOT_REGISTERED

"""Meal errors that name the reason and say what to do instead."""

from __future__ import annotations

from core.errors import Conflict, Unprocessable


class SoldOut(Conflict):
    code = "SOLD_OUT"
    default_message = "这一餐已经订满了。可以换一餐，或选附近其他助餐点。"


class AlreadyBooked(Conflict):
    code = "ALREADY_BOOKED"
    default_message = "您已经订了这一餐，不用重复订。要改份数，请先取消再订。"


class PastCutoff(Unprocessable):
    code = "PAST_CUTOFF"
    default_message = "已过订餐截止时间。可以订下一餐，或选其他日子。"


class CanteenClosed(Unprocessable):
    code = "CANTEEN_CLOSED"
    default_message = "助餐点这一餐不营业。可以换一餐，或选附近其他助餐点。"


class OutOfDeliveryArea(Unprocessable):
    code = "OUT_OF_DELIVERY_AREA"
    default_message = "您家不在送餐范围内。可以到店用餐，或请家人代取。"


class NotRegistered(Unprocessable):
    code = "NOT_REGISTERED"
    default_message = "请先在小程序“我的”页面填写姓名和出生日期，再来订助餐。也可以请社区工作人员帮忙登记。"

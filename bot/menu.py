"""The custom menu (自定义菜单), defined in code; each CLICK key stands for an intent."""

from __future__ import annotations

from typing import Any

# key → intent the tap stands for
CLICK_INTENTS: dict[str, str] = {
    "MEAL_BOOK": "meal_book",
    "MEAL_CANCEL": "meal_cancel",
    "MEAL_QUERY": "meal_query",
    "CANTEEN_NEARBY": "canteen_nearby",
    "HELP_REQUEST": "help_request",
    "HELP_STATUS": "help_status",
    "POLICY": "policy_faq",
    "REGISTER": "register",
    "VOLUNTEER_CHECKIN": "service_checkin",
    "VOLUNTEER_CHECKOUT": "service_checkout",
    "VOLUNTEER_POINTS": "points_query",
    "ACTIVITIES": "activity_list",
    "MENU_HELP": "menu_help",
    "HUMAN": "human_agent",
}


def _click(name: str, key: str) -> dict[str, str]:
    return {"type": "click", "name": name, "key": key}


MENU: dict[str, Any] = {
    "button": [
        {"name": "助餐", "sub_button": [
            _click("我要订餐", "MEAL_BOOK"),
            _click("取消订餐", "MEAL_CANCEL"),
            _click("我的订餐", "MEAL_QUERY"),
            _click("附近助餐点", "CANTEEN_NEARBY"),
        ]},
        {"name": "求助", "sub_button": [
            _click("我要求助", "HELP_REQUEST"),
            _click("求助进度", "HELP_STATUS"),
            _click("政策问答", "POLICY"),
            _click("转人工", "HUMAN"),
        ]},
        {"name": "我的", "sub_button": [
            _click("登记信息", "REGISTER"),
            _click("志愿签到", "VOLUNTEER_CHECKIN"),
            _click("志愿签退", "VOLUNTEER_CHECKOUT"),
            _click("我的积分", "VOLUNTEER_POINTS"),
            _click("近期活动", "ACTIVITIES"),
        ]},
    ]
}


def intent_for_click(key: str) -> str | None:
    """Return the intent a menu key stands for, or None for an unknown key."""
    return CLICK_INTENTS.get(key.strip().upper())


def menu_definition() -> dict[str, Any]:
    """Return the menu as WeChat's create-menu API expects it."""
    return MENU

"""Elderly meal service (老年助餐): the verbs the bot, the mini-program and the scheduler call."""

from services.meals.bookings import (
    Quote,
    book_meal,
    cancel_meal_booking,
    find_active_booking,
    list_bookings_for_reminder,
    list_my_bookings,
    quote_meal,
    recent_booking_history,
    seats_left,
)
from services.meals.canteens import (
    default_canteen_for,
    get_canteen,
    list_canteens_in_community,
    list_canteens_near,
    list_operated_canteens,
)
from services.meals.errors import (
    AlreadyBooked,
    CanteenClosed,
    NotRegistered,
    OutOfDeliveryArea,
    PastCutoff,
    SoldOut,
)
from services.meals.kitchen import (
    KitchenSummary,
    kitchen_summary,
    list_canteen_bookings,
    mark_no_show,
    mark_past_bookings_no_show,
    mark_served,
)
from services.meals.menus import get_menu, set_menu
from services.meals.rollups import check_meal_rollups, rebuild_meal_rollups
from services.meals.settlement import monthly_settlement_csv
from services.meals.subsidies import list_subsidy_rules

__all__ = [
    "AlreadyBooked", "CanteenClosed", "KitchenSummary", "NotRegistered", "OutOfDeliveryArea",
    "PastCutoff", "Quote", "SoldOut", "book_meal", "cancel_meal_booking", "check_meal_rollups",
    "default_canteen_for",
    "find_active_booking", "get_canteen", "get_menu", "kitchen_summary", "list_bookings_for_reminder",
    "list_canteen_bookings", "list_canteens_in_community", "list_canteens_near",
    "list_my_bookings", "list_operated_canteens", "list_subsidy_rules", "mark_no_show",
    "mark_past_bookings_no_show", "mark_served", "monthly_settlement_csv", "quote_meal",
    "rebuild_meal_rollups", "recent_booking_history", "seats_left", "set_menu",
]

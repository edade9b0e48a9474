"""Meal reminders (the evening before, the morning of) and each canteen's kitchen summary."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import LOCAL_TZ
from models.meals import Canteen, MealBooking
from models.person import Person, PersonRole
from services.meals import canteens as rules
from services.meals.bookings import list_bookings_for_reminder
from services.meals.kitchen import kitchen_summary
from services.meals.menus import get_menu
from services.meals.wording import day_text, meal_text
from services.messaging.message_templates import day_words
from services.messaging.notifications import enqueue_notification

SUMMARY_WINDOW = timedelta(hours=1)  # a summary missed by this much is still worth sending


def queue_meal_reminders(session: Session, *, now: datetime, evening: bool) -> int:
    """Remind everyone with a booking tomorrow (evening) or today (morning); return how many."""
    today = now.astimezone(LOCAL_TZ).date()
    day = today + timedelta(days=1) if evening else today
    queued = 0
    for booking in list_bookings_for_reminder(session, day=day):
        text = _reminder_text(session, booking, today=today)
        key = f"meal-reminder:{booking.id}:{'evening' if evening else 'morning'}"
        enqueue_notification(session, person_id=booking.person_id, template="meal_reminder",
                             text=text, dedupe_key=key, payload=_payload(session, booking))
        queued += 1
    return queued


def _dishes(session: Session, booking: MealBooking) -> list[str]:
    menus = get_menu(session, canteen_id=booking.canteen_id, day=booking.day, meal=booking.meal)
    return [dish for menu in menus for dish in menu.dishes]


def _reminder_text(session: Session, booking: MealBooking, *, today: date) -> str:
    canteen = session.get(Canteen, booking.canteen_id)
    where = canteen.name if canteen else "助餐点"
    how = f"{where}会送餐上门" if booking.delivery else f"请到{where}用餐"
    lines = [f"{day_text(booking.day, today=today)}{meal_text(booking.meal)}{booking.count}份，{how}。"]
    dishes = _dishes(session, booking)
    if dishes:
        lines.append("菜单：" + "、".join(dishes) + "。")
    lines.append("不能来请提前取消。")
    return "\n".join(lines)


def _payload(session: Session, booking: MealBooking) -> dict[str, str]:
    canteen = session.get(Canteen, booking.canteen_id)
    return {"meal": f"{meal_text(booking.meal)}·{canteen.name if canteen else '助餐点'}",
            "menu": "、".join(_dishes(session, booking)) or "以当天菜单为准",
            "when": day_words(booking.day),
            "how": f"{booking.count}份，" + ("送餐上门" if booking.delivery else "到店用餐"),
            "booking_id": str(booking.id)}


def queue_kitchen_summaries(session: Session, *, now: datetime) -> int:
    """Send each canteen's operators the order count of a meal once its cutoff has passed."""
    queued = 0
    today = now.astimezone(LOCAL_TZ).date()
    for canteen in session.scalars(select(Canteen).where(Canteen.active.is_(True))):
        for served in rules.served_meals(canteen):
            for day in {today, today + timedelta(days=served.cutoff_days_before)}:
                cutoff = rules.cutoff_at(served, day)
                if now - SUMMARY_WINDOW < cutoff <= now:
                    queued += _send_summary(session, canteen=canteen, day=day, meal=served.meal)
    return queued


def _send_summary(session: Session, *, canteen: Canteen, day: date, meal: str) -> int:
    operators = list(session.scalars(select(Person).join(PersonRole).where(
        PersonRole.role == "canteen_operator", PersonRole.organisation_id == canteen.operator_id)))
    for operator in operators:
        summary = kitchen_summary(session, actor=operator, canteen_id=canteen.id, day=day, meal=meal)
        count = summary.counts[meal]
        text = (f"{canteen.name}{day_text(day)}{meal_text(meal)}已截止订餐：共{count.booked}份，"
                f"堂食{count.eat_in}份，送餐{count.delivery}份。")
        if summary.dietary_notes:
            text += f"有{len(summary.dietary_notes)}份带忌口备注，请看订单。"
        enqueue_notification(session, person_id=operator.id, template="kitchen_summary", text=text,
                             dedupe_key=f"kitchen:{canteen.id}:{day}:{meal}:to:{operator.id}",
                             facts={"canteen": canteen.name,
                                    "meal": f"{day.month}月{day.day}日{meal_text(meal)}",
                                    "count": str(count.booked),
                                    "what": f"堂食{count.eat_in}份 送餐{count.delivery}份"})
    return len(operators)

"""长期订餐 in chat: set up in plain words, a week of the job, a pause, one day cancelled, the end.

The week of the 2026 Mid-Autumn holiday (9月25–27日 are public holidays).
王秀英 (84, 低保, lives alone) has lunch delivered by the 阳光 canteen; a
brand-new resident registers in chat and sets up 每周一三五晚饭 to eat in.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from core import clock
from core.db import session_scope
from models.meals import Canteen, MealBooking, MealSlot
from models.messaging import Notification
from models.standing import StandingOrder
from services.meals.standing_job import book_standing_orders

from .talk import NEWCOMER, SON, WANG, rows

pytestmark = pytest.mark.e2e
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 9, day, hour, tzinfo=SHANGHAI)


def run_job() -> None:
    for _ in range(2):  # the second run books nothing more
        with session_scope() as s:
            book_standing_orders(s, now=clock.now())


def standing_bookings(person_id: int) -> dict[date, str]:
    return {b.day: b.status for b in rows(MealBooking, MealBooking.person_id == person_id,
                                          MealBooking.standing_order_id.is_not(None))}


def sell_out(day: date, meal: str = "lunch") -> None:
    with session_scope() as s:
        canteen_id = s.scalar(select(Canteen.id).where(Canteen.code == "ZC-YG"))
        s.add(MealSlot(canteen_id=canteen_id, day=day, meal=meal, capacity=0, booked=0))


def test_a_week_of_daily_lunches_with_a_holiday_a_sold_out_day_and_a_hospital_stay(chat, frozen_clock):
    wang = chat.id(WANG)
    sell_out(date(2026, 9, 22))
    frozen_clock.set(at(20, 10))
    readback, done = chat.say(WANG, "以后每天中午都给我送一份", "1")
    assert readback.splitlines()[:4] == [
        "请核对长期订餐：",
        "每天午餐 1份 送餐上门（阳光社区助餐点），从9月21日（明天）起。",
        "接下来会订：9月21日（明天）、9月22日（后天）、9月23日（周三）、9月24日（周四）、9月28日（周一）。",
        "不订：9月25日（周五）中秋节放假、9月26日（周六）中秋节放假、9月27日（周日）中秋节放假。",
    ]
    assert readback.splitlines()[4] == "每次付4元（原价10元，补贴6元）。"
    assert done.startswith("设好了！长期订餐从9月21日（明天）起。")

    frozen_clock.set(at(21, 8))  # Monday: today booked; tomorrow sold out, and she is told
    run_job()
    assert standing_bookings(wang) == {date(2026, 9, 21): "booked"}
    [told] = rows(Notification, Notification.person_id == wang,
                  Notification.template == "standing_order_missed")
    assert told.text.startswith("长期订餐：9月22日（明天）午餐（阳光社区助餐点）没有订上。")
    staff = rows(Notification, Notification.template == "standing_order_missed_staff")
    assert staff and "9月22日（明天）午餐没订上（已订满" in staff[0].text

    frozen_clock.set(at(22, 8))  # Tuesday: Wednesday booked
    run_job()
    assert standing_bookings(wang)[date(2026, 9, 23)] == "booked"

    frozen_clock.set(at(22, 10))
    readback, done = chat.say(WANG, "我住院了，这周先停", "1")
    assert readback.splitlines()[:3] == [
        "要暂停您的长期订餐：每天午餐",
        "暂停：9月23日（明天）到9月27日（周日），这几天不订：9月23日（明天）、9月24日（后天）。",
        "9月28日（周一）起照常订。",
    ]
    assert done.splitlines()[:2] == ["好的，9月23日（明天）到9月27日（周日）暂停了。",
                                     "已取消：9月23日（明天）的午餐。"]
    assert "祝早日康复" in done

    for day in (23, 24, 25, 26):  # paused, then the holiday: nothing booked
        frozen_clock.set(at(day, 8))
        run_job()
    assert standing_bookings(wang) == {date(2026, 9, 21): "booked", date(2026, 9, 23): "cancelled"}

    frozen_clock.set(at(27, 8))  # Sunday: Monday booked as usual
    run_job()
    assert standing_bookings(wang)[date(2026, 9, 28)] == "booked"
    listed = chat.last(WANG, "我订了哪几顿")
    assert "9月28日（明天）午餐 1份 送餐上门，付4元（长期订餐）" in listed
    readback, done = chat.say(WANG, "明天午饭不要了", "1")
    assert "这是长期订餐的一天：只取消这一天，以后照常订。" in readback
    assert done.startswith("已取消9月28日（明天）的午餐。")

    frozen_clock.set(at(28, 8))  # the day cancelled on its own stays cancelled; Tuesday booked
    run_job()
    assert standing_bookings(wang) == {date(2026, 9, 21): "booked", date(2026, 9, 23): "cancelled",
                                       date(2026, 9, 28): "cancelled", date(2026, 9, 29): "booked"}

    readback, done = chat.say(WANG, "长期订餐不要了", "1")
    assert readback.startswith("以后不再自动订：每天午餐（阳光社区助餐点）。")
    assert done.splitlines()[:2] == ["好的，每天午餐的长期订餐停了。", "已取消：9月29日（明天）的午餐。"]
    frozen_clock.set(at(29, 8))
    run_job()
    assert date(2026, 9, 30) not in standing_bookings(wang)


def test_a_son_sets_up_working_day_lunches_for_his_mother(chat, frozen_clock):
    frozen_clock.set(at(14, 10))
    replies = chat.say(SON, "给我妈以后工作日都订午饭", "1", "1")
    assert replies[0] == "要几份？\n1 1份\n2 2份\n3 3份"
    assert replies[1] == "送到家，还是到助餐点吃？\n1 送餐上门\n2 到助餐点吃"
    assert "请核对，给王秀英设长期订餐：" in replies[2]
    # 9月19日 (Saturday) is no working day; 9月20日 (Sunday) is one (调休).
    assert "接下来会订：9月15日（明天）、9月16日（后天）、9月17日（周四）、9月18日（周五）、9月20日（周日）。" in replies[2]
    done = chat.last(SON, "1")
    assert done.startswith("设好了！给王秀英设的长期订餐从9月15日（明天）起。")
    [order] = rows(StandingOrder, StandingOrder.person_id == chat.id(WANG))
    assert (order.days, order.delivery, order.created_by_id) == ("workdays", True, chat.id(SON))
    told = rows(Notification, Notification.person_id == chat.id(WANG),
                Notification.template == "standing_order")
    assert told and told[0].text.startswith("王**为您设了长期订餐：")
    frozen_clock.set(at(15, 10))  # 我妈住院了: the son pauses his mother's order
    readback = chat.last(SON, "我妈住院了，这周先停")
    assert readback.startswith("要暂停王秀英的长期订餐：工作日午餐\n")
    assert "暂停：9月16日（明天）到9月20日（周日）" in readback
    assert chat.last(SON, "1").startswith("好的，9月16日（明天）到9月20日（周日）暂停了。")
    [order] = rows(StandingOrder, StandingOrder.person_id == chat.id(WANG))
    assert (order.paused_from, order.paused_until) == (date(2026, 9, 16), date(2026, 9, 20))


def test_a_newcomer_registers_and_asks_for_monday_wednesday_friday_dinners(chat, frozen_clock):
    frozen_clock.set(at(20, 10))
    registered = chat.last(NEWCOMER, "我要登记", "1", "我叫赵大妈", "1948年3月8日", "13812345678", "1",
                           "阳光社区7号楼101", "1")
    assert "登记好了" in registered
    replies = chat.say(NEWCOMER, "每周一三五晚饭", "1", "2")
    assert replies[-1].splitlines()[1] == "每周一、三、五晚餐 1份 到助餐点吃（阳光社区助餐点），从9月21日（明天）起。"
    assert "不订：9月25日（周五）中秋节放假" in replies[-1]
    assert chat.last(NEWCOMER, "1").startswith("设好了！")
    frozen_clock.set(at(21, 8))
    run_job()
    newcomer = chat.id(NEWCOMER)
    assert standing_bookings(newcomer) == {date(2026, 9, 21): "booked"}
    [booking] = rows(MealBooking, MealBooking.person_id == newcomer)
    assert (booking.meal, booking.delivery, booking.payable_fen) == ("dinner", False, booking.price_fen - booking.subsidy_fen)
    # The command the bot taught her, then the span in her own words.
    asked, readback, done = chat.say(NEWCOMER, "暂停长期订餐", "停到10月8号", "1")
    assert asked.startswith("停到什么时候？")
    assert "暂停：9月21日（今天）到10月8日（周四），这几天不订：9月21日（今天）、9月23日（后天）、9月28日（周一）、9月30日（周三）。" in readback
    assert done.splitlines()[:2] == ["好的，9月21日（今天）到10月8日（周四）暂停了。", "已取消：9月21日（今天）的晚餐。"]


def test_pause_and_end_without_a_standing_order_say_so(chat):
    assert chat.last(WANG, "恢复长期订餐").startswith("您还没有暂停的长期订餐。")
    assert chat.last(WANG, "长期订餐不要了").startswith("您还没有长期订餐。")

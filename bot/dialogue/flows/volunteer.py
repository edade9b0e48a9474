"""志愿者: register, check in, check out, log a service, sign up for an activity."""

from __future__ import annotations

import re
from datetime import timedelta

from bot import location
from bot.dialogue.answers import FlowEnds
from bot.dialogue.flow import Flow, Question, Step, copy_slots
from bot.dialogue.flows.common import said_day, slot_day
from bot.turn import Turn
from core import clock
from models.activities import Activity
from nlp import Parse
from services.meals.wording import moment_text

SKILLS = [("买菜跑腿", "买菜跑腿"), ("陪伴聊天", "陪伴聊天"), ("打扫卫生", "打扫卫生"),
          ("家电维修", "家电维修"), ("陪同就医", "陪同就医"), ("助餐送餐", "助餐送餐")]
NOT_VOLUNTEER = "您还不是志愿者。\n想参加，回复“我想当志愿者”。"
_ASKING = re.compile(r"[\s，。,.!！]|我要|我想|帮我|记录|补记|登记|一下|志愿|服务|时长|时间"
                     r"|今天|昨天|前天|做了|做|我|了")


ALREADY_VOLUNTEER = "您已经是志愿者了，不用再报名。\n记录服务回复“记录服务”，开始服务回复“签到”。"
IN_REVIEW = "您已经报名了，社区工作人员正在审核，通过后会通知您。"


def _volunteers_only(turn: Turn) -> str | None:
    if turn.person.has_role("volunteer"):
        return None
    return _not_yet_volunteer(turn) or NOT_VOLUNTEER  # registered and in review: say so


def _not_yet_volunteer(turn: Turn) -> str | None:
    """Refuse to register again someone registered (it would overwrite their skills)."""
    from services.volunteers import get_volunteer_profile

    profile = get_volunteer_profile(turn.session, person_id=turn.person.id)
    if profile is None or profile.status == "rejected":
        return None
    return ALREADY_VOLUNTEER if profile.status == "verified" else IN_REVIEW


def _read_skills(turn: Turn, text: str, parse: Parse) -> str | None:
    words = [w for w in text.replace("，", "、").replace(",", "、").replace(" ", "、").split("、") if w]
    return "、".join(words)[:100] if words else None


def register_commit(turn: Turn) -> str:
    from services.volunteers import register_volunteer

    if (already := _not_yet_volunteer(turn)) is not None:  # registered in the mini-program meanwhile
        raise FlowEnds(already)
    skills = str(turn.state.slots["skills"]).split("、")
    register_volunteer(turn.session, actor=turn.person, skills=skills)
    return "报名成功！\n社区工作人员审核后会通知您，审核通过就可以签到服务、攒积分了。"


VOLUNTEER = Flow(
    name="volunteer_register", title="报名当志愿者", cue="志愿者",
    steps=(Step("skills", lambda t: Question("您能帮忙做什么？回复数字，或者直接说：", SKILLS),
                _read_skills),),
    summary=lambda t: f"请核对：\n报名当志愿者，能帮忙：{t.state.slots['skills']}",
    commit=register_commit, gate=_not_yet_volunteer,
)


def _open_record(turn: Turn):  # type: ignore[no-untyped-def]
    from services.volunteers import get_open_service_record

    return get_open_service_record(turn.session, volunteer_id=turn.person.id)


def checkin_summary(turn: Turn) -> str:
    open_record = _open_record(turn)
    if open_record is not None and open_record.started_at is not None:
        raise FlowEnds(f"您{moment_text(open_record.started_at)}已经签到了。\n服务结束请回复“签退”。")
    return f"现在签到，开始服务（{moment_text(turn.now)}）。"


def checkout_summary(turn: Turn) -> str:
    open_record = _open_record(turn)
    if open_record is None or open_record.started_at is None:
        raise FlowEnds("您现在没有在进行的服务，不用签退。\n开始服务时回复“签到”。")
    return (f"现在签退，结束服务（{moment_text(turn.now)}）。\n"
            f"您是{moment_text(open_record.started_at)}签到的。")


def checkin_commit(turn: Turn) -> str:
    from services.volunteers import check_in

    where = location.recall(turn.kv, turn.message.openid)
    lat, lng = where if where else (None, None)
    record = check_in(turn.session, actor=turn.person, lat=lat, lng=lng)
    started = moment_text(record.started_at) if record.started_at else "现在"
    return f"签到成功，{started}开始服务。\n服务结束请回复“签退”。"


CHECKIN = Flow(
    name="service_checkin", title="签到", cue="签到", steps=(),
    summary=checkin_summary,
    commit=checkin_commit, gate=_volunteers_only,
)


def checkout_commit(turn: Turn) -> str:
    from services.volunteers import check_out

    record = check_out(turn.session, actor=turn.person)
    return f"签退成功，这次服务{record.minutes}分钟。\n服务对象确认后，积分就到账。"


CHECKOUT = Flow(
    name="service_checkout", title="签退", cue="签退", steps=(),
    summary=checkout_summary,
    commit=checkout_commit, gate=_volunteers_only,
)


def _read_hours(turn: Turn, text: str, parse: Parse) -> float | None:
    value = parse.slots.get("hours")
    return float(value) if isinstance(value, int | float) and value > 0 else None


def ask_past_day(text: str) -> Question:
    """Ask for one of the last three days, named as people say them (今天, 昨天, 前天)."""
    today = clock.today()
    days = [(today - timedelta(days=n), word) for n, word in enumerate(("今天", "昨天", "前天"))]
    return Question(f"{text}\n回复数字，或者直接说日子：",
                    [(d.isoformat(), f"{d.month}月{d.day}日（{word}）") for d, word in days])


def log_commit(turn: Turn) -> str:
    from services.volunteers import log_service

    s = turn.state.slots
    log_service(turn.session, actor=turn.person, day=slot_day(turn), hours=float(s["hours"]),
                description=str(s["description"]))
    return "记好了！\n服务对象或工作人员确认后，积分就到账。"


def _log_prefill(turn: Turn, parse: Parse) -> None:
    copy_slots("date", "hours")(turn, parse)
    if turn.state.step is not None:  # only the first message can describe the service
        return
    said = _ASKING.sub("", turn.text)  # "我要记录志愿服务" asks; it does not describe
    if parse.intent == "service_log" and len(said) >= 4 and "description" not in turn.state.slots:
        turn.state.slots["description"] = turn.text[:200]


LOG = Flow(
    name="service_log", title="记录志愿服务", cue="志愿服务",
    steps=(
        Step("date", lambda t: ask_past_day("哪天的服务？")),
        Step("hours", lambda t: Question("服务了多长时间？（如“两个小时”）",
                                         [(1.0, "1小时"), (2.0, "2小时"), (3.0, "3小时")]),
             _read_hours),
        Step("description", lambda t: Question("做了什么？帮了谁？"),
             lambda t, text, p: text.strip()[:200] or None),
    ),
    prefill=_log_prefill, gate=_volunteers_only, commit=log_commit,
    summary=lambda t: (f"请核对：\n{said_day(t)} 服务{t.state.slots['hours']:g}小时\n"
                       f"内容：{t.state.slots['description']}"),
)


def ask_activity(turn: Turn) -> Question:
    from services.volunteers import list_activities

    found = list_activities(turn.session, actor=turn.person)[:6]
    if not found:
        raise FlowEnds("最近没有可以报名的活动。")
    return Question("报名哪个活动？", [(a.id, f"{a.title}（{moment_text(a.starts_at)}）")
                                     for a in found])


def _filled_without(turn: Turn, activity: Activity) -> bool:
    """Tell whether others took the last place since the list (a place of one's own still counts)."""
    from services.volunteers import get_signup

    if activity.signed_up_count < activity.capacity:
        return False
    mine = get_signup(turn.session, activity_id=activity.id, volunteer_id=turn.person.id)
    return mine is None or mine.status != "signed_up"


def _activity_title(turn: Turn) -> str:
    from services.volunteers import list_activities

    wanted = int(turn.state.slots["activity"])
    for activity in list_activities(turn.session, actor=turn.person):
        if activity.id == wanted and _filled_without(turn, activity):
            raise FlowEnds(f"{activity.title}的名额已经报满了，报不上了。\n"
                           "回复“最近有什么活动”看看别的。")
        if activity.id == wanted:
            return f"{activity.title}，{moment_text(activity.starts_at)}，{activity.place}"
    raise FlowEnds("这个活动已经取消或截止，不能报名了。\n回复“最近有什么活动”看看别的。")


def signup_commit(turn: Turn) -> str:
    from services.volunteers import sign_up_for_activity

    title = _activity_title(turn)  # called off since the read-back: said before signing up
    sign_up_for_activity(turn.session, actor=turn.person,
                         activity_id=int(turn.state.slots["activity"]))
    return f"报名成功：{title}。\n活动前一天会提醒您。"


SIGNUP = Flow(
    name="activity_signup", title="报名活动", cue="报名活动",
    steps=(Step("activity", ask_activity),),
    gate=_volunteers_only, commit=signup_commit,
    summary=lambda t: f"请核对，您要报名：\n{_activity_title(t)}",
)

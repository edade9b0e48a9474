"""The dialogue engine: global commands, flow steps, confirmation, misses and hand-off.

Every message goes: emergency check → global command (取消 / 算了，不要了 /
重新开始 / 帮助 / 转人工) → the active flow's current state → an answer to a
question the bot sent earlier (a rating, a confirmation) → a new intent.
Inside a flow, a message that is not an answer but a clear new intent
starts it (a flow closes the current one, a one-shot answer parks it), a
correction at the read-back reads back again, a refusal ends it. Nothing
is committed until the person says yes; the commit is one service call, and
a refused one is rolled back, so a refused booking leaves nothing behind.
"""

from __future__ import annotations

from datetime import datetime

import nlp
from bot import texts
from bot.dialogue import answers, beneficiary, emergency, main_menu, policy
from bot.dialogue.flow import CONFIRM, Flow, Step
from bot.dialogue.flows import ASKED, FLOWS, charity_consent
from bot.dialogue.flows.standing import standing_intent
from bot.dialogue.words import (
    CANCEL,
    HELP,
    HUMAN,
    NO,
    REDO,
    RESTART,
    YES,
    bare,
    intent_of,
    is_abandon,
    pick,
    says_yes_first,
    without_correction,
)
from bot.router import refusal_words
from bot.turn import Turn
from core import clock
from core.errors import LinliError
from core.savepoints import undo_on_error
from services.messaging.questions import which_may_wait

LOW_CONFIDENCE = 0.45
STRONG_CONFIDENCE = 0.7  # enough to leave a question unanswered for a new intent
COMMAND_CONFIDENCE = 0.9  # a menu word or a known phrasing (intent_of)
MAX_TEXT = 500
PICK_INTENT = "pick_intent"
TIMED_OUT = "timed_out"
LATE_ANSWER = "您回复的“{word}”没有用上，什么也没办。\n要{title}，请重新告诉我。"
INTENT_LABELS = {
    "meal_book": "订餐", "meal_cancel": "取消订餐", "meal_query": "查我的订餐",
    "meal_menu": "看菜单", "canteen_nearby": "找附近的助餐点", "help_request": "求助",
    "help_status": "查求助进度", "register": "登记个人信息", "policy_faq": "问政策",
    "volunteer_register": "报名当志愿者", "service_checkin": "志愿服务签到",
    "service_checkout": "志愿服务签退", "service_log": "记录志愿服务",
    "points_query": "查积分", "points_redeem": "积分兑换", "activity_list": "看活动",
    "activity_signup": "报名活动", "human_agent": "转人工", "menu_help": "看看能做什么",
}
NOT_NEW = {"unknown", "affirm", "deny", "smalltalk", "human_agent"}


def local_now(turn: Turn) -> datetime:
    """Return the turn's moment in Asia/Shanghai (nlp resolves dates against it)."""
    return turn.now.astimezone(clock.LOCAL_TZ)


def converse(turn: Turn, text: str) -> str:
    """Answer one message of free text (typed or recognised from voice)."""
    text = turn.text = text.strip()[:MAX_TEXT]
    reply = _answer(turn, text, nlp.parse(text, local_now(turn)))
    return "\n".join([*turn.notes, reply])


def converse_intent(turn: Turn, intent: str) -> str:
    """Answer a menu tap: start what its intent stands for."""
    return "\n".join([*turn.notes, start_intent(turn, intent)])


def start_intent(turn: Turn, intent: str, parse: nlp.Parse | None = None) -> str:
    """Start what an intent stands for: a flow, or a one-shot answer."""
    parse = parse or nlp.Parse(intent)
    turn.state.reset()
    if intent == "human_agent":
        return hand_to_human(turn, "")
    if intent == main_menu.VOLUNTEER:
        return main_menu.offer_volunteer(turn)
    flow = FLOWS.get(intent)
    if flow is not None:
        return start_flow(turn, flow, parse)
    return answers.answer(turn, intent, parse)


def note_timeout(turn: Turn, flow_name: str) -> None:
    """Tell the person an unfinished flow was dropped after 15 minutes."""
    flow = FLOWS.get(flow_name)
    if flow is not None:
        turn.notes.append(texts.TIMED_OUT.format(title=flow.title))
        # This turn only (the state stays idle, so it is not saved): a late "1" was for it.
        turn.state.step, turn.state.slots = TIMED_OUT, {TIMED_OUT: flow.title}


def late_answer(turn: Turn, word: str) -> str | None:
    """Say that a yes or a number sent after its flow timed out was used for nothing."""
    title = turn.state.slots.get(TIMED_OUT) if turn.state.step == TIMED_OUT else None
    if title is None or not (word in YES or word in NO or (word.isdigit() and len(word) <= 2)):
        return None
    turn.state.reset()
    return LATE_ANSWER.format(word=word, title=title)


def _answer(turn: Turn, text: str, parse: nlp.Parse) -> str:
    if parse.slots.get("urgency") == "emergency":
        return emergency.raise_emergency(turn, text, parse)
    word = bare(text)
    # At the emergency's questions "没事" / "不用" answer them (no danger), not leave.
    if word in CANCEL or (is_abandon(text) and turn.state.flow != emergency.FLOW):
        return cancel(turn)
    if word in RESTART:
        return restart(turn)
    if word in HELP:
        return show_help(turn)
    if word in HUMAN or parse.intent == "human_agent":
        return hand_to_human(turn, text)
    if charity_consent.wants_to_withdraw(text):
        return start_flow(turn, FLOWS[charity_consent.WITHDRAW.name], parse)
    state = turn.state
    if state.flow == emergency.FLOW:
        return emergency.take_address(turn, text)
    if parse.danger_unsure and state.flow is None:  # may be danger: ask first (emergency.py)
        return emergency.ask_danger(turn, text, parse)
    if state.flow in FLOWS:
        return continue_flow(turn, FLOWS[state.flow], text, parse)
    if state.step == PICK_INTENT and (picked := pick(state.choices, word)) is not None:
        return start_intent(turn, picked)
    if state.step in policy.STEPS and (said := policy.take_choice(turn, word)) is not None:
        return said
    if (late := late_answer(turn, word)) is not None:
        return late
    # After a timeout the message was meant for the flow that lapsed: a question sent by
    # the outbox (a rating, a service to confirm) waits for a later, unmistakable answer.
    answered = take_answer(turn, text) if state.step != TIMED_OUT else None
    if answered is not None:
        return answered
    if (item := main_menu.picked(turn, word)) is not None:  # a number for the menu just shown
        return start_intent(turn, item)
    if (not_listed := main_menu.out_of_range(turn, word)) is not None:
        return not_listed
    if word.isdigit() and len(word) <= 2:  # a number answers nothing now: no guessing at it
        return main_menu.offer(turn, texts.NO_NUMBER_ASKED)
    standing = standing_intent(turn, text, parse)  # 以后每天… / 这周先停: not in LABELS.md
    if standing is not None:
        return start_intent(turn, standing, parse)
    intent, confidence = intent_of(text, parse)
    if intent == "unknown" or confidence < LOW_CONFIDENCE:
        return not_understood(turn, parse)
    return start_intent(turn, intent, parse)


def take_answer(turn: Turn, text: str) -> str | None:
    """Give an answer to the question sent last (a rating, a yes/no) to the flow receiving it."""
    readable = [question for question in ASKED if question.reads(text) is not None]
    if readable:  # one look-up tells which kinds may wait; most people have none
        waiting = which_may_wait(turn.session, clues={q.flow: q.may_wait(turn) for q in readable})
        readable = [question for question in readable if question.flow in waiting]
    found = [(pending, question) for question in readable
             if (pending := question.find(turn)) is not None]
    if not found:  # answered meanwhile by someone else: say so rather than "nothing asked"
        return next((said for question in readable if (said := question.settled(turn))), None)
    pending, question = max(found, key=lambda f: f[0].asked_at)
    flow = FLOWS[question.flow]
    turn.state.start(flow.name)
    turn.state.slots.update(pending.slots)
    step = flow.step_named(f"ask_{question.slot}")
    value = question.reads(text)
    try:
        turn.state.slots[question.slot] = step.accept(turn, value) if step else value
    except answers.FlowEnds as end:
        turn.state.reset()
        return end.message
    return advance(turn, flow)


def start_flow(turn: Turn, flow: Flow, parse: nlp.Parse) -> str:
    """Begin a flow, keeping every slot the first message already gave."""
    refusal = flow.gate(turn)
    if refusal is not None:
        return refusal
    begin(turn, flow, parse)
    return advance(turn, flow)


def begin(turn: Turn, flow: Flow, parse: nlp.Parse | None = None) -> None:
    """Put the flow in its first state, with what the message (if any) already said.

    Whom the flow acts for (给我妈) survives 重新填写 / 重新开始 of the same flow.
    """
    kept = {k: v for k, v in turn.state.slots.items() if k in beneficiary.KEPT}
    same = turn.state.flow == flow.name
    turn.state.start(flow.name)
    if same:
        turn.state.slots.update(kept)
    flow.prefill(turn, parse or nlp.Parse(flow.name))


def advance(turn: Turn, flow: Flow) -> str:
    """Ask for the first empty slot, or read everything back for a yes."""
    state = turn.state
    for step in flow.steps:
        if step.slot in state.slots or not step.needed(turn):
            continue
        try:
            question = step.ask(turn)
        except answers.FlowEnds as end:
            state.reset()
            return end.message
        state.step, state.choices = step.state, [[v, label] for v, label in question.choices]
        return question.render()
    state.step, state.choices = CONFIRM, []
    if not flow.confirm:  # the answer to the bot's own question: no read-back of a read-back
        return commit(turn, flow)
    try:
        summary = flow.summary(turn)
    except answers.FlowEnds as end:
        state.reset()
        return end.message
    except LinliError as error:
        said = refusal(turn, error)
        state.reset()
        return said
    return f"{summary}\n回复数字：\n{texts.CONFIRM_CHOICES}"


def continue_flow(turn: Turn, flow: Flow, text: str, parse: nlp.Parse) -> str:
    """Take an answer in the flow's current state."""
    if turn.state.step == CONFIRM:
        return _confirm(turn, flow, text, parse)
    step = flow.step_named(turn.state.step)
    if step is None:
        return advance(turn, flow)
    # A free answer (a name, what happened) may mention anything: only a command leaves it.
    choices = turn.state.choices
    least = STRONG_CONFIDENCE if choices else COMMAND_CONFIDENCE
    if (pick(choices, bare(text)) is None
            and (intent := new_intent(flow, text, parse, least)) is not None):
        return switch(turn, flow, intent, parse)
    before = dict(turn.state.slots)
    try:
        _fill(turn, flow, step, text)
    except answers.FlowEnds as end:
        turn.state.reset()
        return end.message
    if turn.state.slots == before:
        if (intent := new_intent(flow, text, parse, LOW_CONFIDENCE)) is not None:
            return switch(turn, flow, intent, parse)
        return miss(turn, step.ask(turn).render())
    turn.state.misses = 0
    return advance(turn, flow)


def new_intent(flow: Flow, text: str, parse: nlp.Parse, least: float) -> str | None:
    """Return the intent a message starts instead of answering the flow, or None."""
    intent, confidence = intent_of(text, parse)
    if confidence < least or intent in NOT_NEW or intent == flow.name:
        return None
    return intent if intent in FLOWS or intent in answers.ANSWERS else None


def switch(turn: Turn, flow: Flow, intent: str, parse: nlp.Parse) -> str:
    """Start a new flow (closing this one, said in one line), or answer and come back."""
    if intent in FLOWS:
        turn.state.reset()
        return f"{texts.DROPPED.format(title=flow.title)}\n{start_intent(turn, intent, parse)}"
    turn.state.misses = 0
    said = show_help(turn) if intent == "menu_help" else answers.answer(turn, intent, parse)
    return f"{said}\n\n{texts.PARKED.format(title=flow.title)}\n{advance(turn, flow)}"


def _fill(turn: Turn, flow: Flow, step: Step, text: str) -> None:
    slots = turn.state.slots
    value = pick(turn.state.choices, bare(text))
    if value is None:
        reparse = _reparse(turn, flow, text)
        flow.prefill(turn, reparse)
        if step.slot in slots:
            return
        value = step.read(turn, text, reparse)
    if value is not None:
        slots[step.slot] = step.accept(turn, value)


def _reparse(turn: Turn, flow: Flow, text: str) -> nlp.Parse:
    """Read an answer as if it came with the flow's request ("订餐 改成晚饭")."""
    said = without_correction(text)  # "不对，是三个小时": the facts, not the no
    return nlp.parse(f"{flow.cue} {said}", local_now(turn))


def _confirm(turn: Turn, flow: Flow, text: str, parse: nlp.Parse) -> str:
    word = bare(text)
    if word in YES or says_yes_first(word, plainly=True):  # "是的，麻烦你们了"
        return commit(turn, flow)
    if word in REDO:
        begin(turn, flow)
        return advance(turn, flow)
    if word in NO:
        turn.state.reset()
        return texts.NOT_SAVED
    before = dict(turn.state.slots)
    flow.prefill(turn, _reparse(turn, flow, text))
    if turn.state.slots != before:  # a correction ("不对，改成晚饭"): read back again
        turn.state.misses = 0
        return advance(turn, flow)
    if parse.intent == "affirm" or says_yes_first(word):
        return commit(turn, flow)
    if parse.intent == "deny":
        turn.state.reset()
        return texts.NOT_SAVED
    if (intent := new_intent(flow, text, parse, LOW_CONFIDENCE)) is not None:
        return switch(turn, flow, intent, parse)
    return miss(turn, f"请回复数字：\n{texts.CONFIRM_CHOICES}")


def commit(turn: Turn, flow: Flow) -> str:
    """Make the one service call; a refusal is said in the service's own words.

    A refused call leaves nothing behind, and what the turn wrote before it stays.
    """
    try:
        with undo_on_error(turn.session):
            reply = flow.commit(turn)
    except LinliError as error:
        said = refusal(turn, error)
        turn.state.reset()
        return said
    except answers.FlowEnds as end:  # what was read back no longer holds (a consent withdrawn)
        turn.state.reset()
        return end.message
    turn.state.reset()
    return reply


def refusal(turn: Turn, error: LinliError) -> str:
    """Say a refused service call; acting for an elder whose account is gone, say that instead."""
    return beneficiary.gone_words(turn) or refusal_words(error)


def miss(turn: Turn, again: str) -> str:
    """Say we did not understand and ask again; the second miss offers a person."""
    turn.state.misses += 1
    if turn.state.misses >= 2:  # never stuck: the question again, and the ways out
        return f"{texts.OFFER_HUMAN_IN_FLOW}\n{again}"
    return f"{texts.NOT_UNDERSTOOD}\n{again}"


def not_understood(turn: Turn, parse: nlp.Parse) -> str:
    """Offer the likely meanings as numbered choices; a second miss offers a person."""
    if turn.state.misses >= 1:
        turn.state.choices, turn.state.step = [], None
        turn.state.misses += 1
        return texts.OFFER_HUMAN
    guesses = [parse.intent] + [name for name, _ in parse.alternatives]
    options = [[i, INTENT_LABELS[i]] for i in dict.fromkeys(guesses) if i in INTENT_LABELS][:3]
    if not options:
        said = main_menu.offer(turn, texts.NOT_UNDERSTOOD)
        turn.state.misses = 1  # the next miss offers a person, as after "您是想"
        return said
    turn.state.misses = 1
    turn.state.step, turn.state.choices = PICK_INTENT, options
    lines = ["您是想："] + [f"{n} {label}" for n, (_, label) in enumerate(options, 1)]
    return "\n".join([*lines, "回复数字就行。"])


def cancel(turn: Turn) -> str:
    """Drop whatever is in progress."""
    active, flow = turn.state.flow, FLOWS.get(turn.state.flow or "")
    turn.state.reset()
    if active is None:
        return texts.NOTHING_TO_CANCEL
    return texts.CANCELLED.format(title=flow.title if flow else "事")


def restart(turn: Turn) -> str:
    """Start the current flow again from its first question."""
    flow = FLOWS.get(turn.state.flow or "")
    if flow is None:
        return main_menu.offer(turn)
    begin(turn, flow)
    return advance(turn, flow)


def show_help(turn: Turn) -> str:
    """Show the menu, and where the person is in a flow."""
    flow = FLOWS.get(turn.state.flow or "")
    step = flow.step_named(turn.state.step) if flow else None
    if flow is None:
        return main_menu.offer(turn)
    try:
        again = step.ask(turn).render() if step else flow.summary(turn)
    except (answers.FlowEnds, LinliError) as end:  # what was asked no longer holds
        said = beneficiary.gone_words(turn) if isinstance(end, LinliError) else None
        turn.state.reset()
        return said or end.message
    return f"您正在{flow.title}。\n{again}\n回复“取消”可以结束，“转人工”找工作人员。"


def hand_to_human(turn: Turn, text: str) -> str:
    """Create a request for staff and say who will call."""
    from services.help_requests.intake import request_human_agent, staff_told

    title = FLOWS[turn.state.flow].title if turn.state.flow in FLOWS else ""
    note = f"在“{title}”中请求转人工：{text}" if title else (text or "请求人工服务")
    request = request_human_agent(turn.session, actor=turn.person, note=note)
    turn.state.reset()
    if not staff_told(turn.session, help_request_id=request.id, what="human"):
        return (f"已经记下了，编号：{request.code}。\n现在还没联系上工作人员，"
                "请打社区电话，或者明天再发“人工”。\n有危险请直接拨打110或120。")
    return (f"已经通知社区工作人员，会尽快联系您。\n编号：{request.code}\n"
            "有危险请直接拨打110或120。")

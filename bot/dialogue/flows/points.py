"""积分兑换: spend points on a reward in chat (states in docs/flows.md).

ask_reward (balance and the rewards in stock, numbered; skipped when the
message names one) → ask_quantity (only when stock and balance allow more
than one) → confirm → one `redeem_reward` call keyed by the message's dedupe
key, so a retried "1" never spends twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.dialogue.answers import FlowEnds
from bot.dialogue.flow import Flow, Question, Step
from bot.dialogue.flows.volunteer import NOT_VOLUNTEER
from bot.turn import Turn
from core.errors import LinliError
from models.volunteers import Reward
from nlp import Parse
from nlp.numbers import NUM, cn_to_int

MAX_LISTED = 8
EARN_MORE = "参加志愿服务、活动可以攒积分，回复“最近有什么活动”看看。"
NOT_VERIFIED = "您的志愿者身份还在审核，审核通过后才能用积分兑换。"
# A count with its measure word (两袋, 2桶, 一张); 斤 is left out: it is part of 大米（5斤）.
_COUNTED = re.compile(rf"({NUM})\s*(?:袋|桶|张|条|件|个|份|瓶|盒|包|套|样|次)")
_ANY_NUMBER = re.compile(rf"({NUM})")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_MEASURE_TAIL = re.compile(r"[0-9零〇一二两俩三四五六七八九十]+\S?$")
_NOISE = re.compile(r"积分|兑换|我要|我想|想要")


@dataclass(frozen=True)
class Offer:
    """What the read-back says: the reward, how many, and what it leaves."""

    reward: Reward
    quantity: int
    balance: int

    @property
    def cost(self) -> int:
        return self.reward.points_cost * self.quantity


def _balance(turn: Turn) -> int:
    from services.volunteers import get_points_balance

    return get_points_balance(turn.session, person_id=turn.person.id)


def _rewards(turn: Turn) -> list[Reward]:
    from services.volunteers import list_rewards

    return list_rewards(turn.session)


def _max_quantity(reward: Reward, balance: int) -> int:
    from services.volunteers.rewards import MAX_QUANTITY

    return min(reward.stock, balance // reward.points_cost, MAX_QUANTITY)


def _key(name: str) -> str:
    """Return what people call a reward: 大米一袋（5斤） → 大米, 毛巾两条 → 毛巾."""
    plain = _BRACKETS.sub("", name).strip()
    return _MEASURE_TAIL.sub("", plain) or plain


def _common(a: str, b: str) -> int:
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] not in b:
                break
            best = j - i
    return best


def named_reward(rewards: list[Reward], text: str) -> int | None:
    """Return the one reward the text names (大米, 理发, 食用油), or None."""
    said = _NOISE.sub("", text)
    scored: list[tuple[int, int]] = []
    for reward in rewards:
        key = _key(reward.name)
        overlap = _common(key, said)
        if overlap >= min(2, len(key)):
            scored.append((overlap, reward.id))
    scored.sort(reverse=True)
    if not scored:  # "换桶油": the thing itself, the last character of 食用油, when only one fits
        heads = [reward.id for reward in rewards if _key(reward.name)[-1:] in said]
        return heads[0] if len(heads) == 1 else None
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def _number(pattern: re.Pattern[str], text: str) -> int | None:
    m = pattern.search(text)
    value = cn_to_int(m.group(1)) if m else None
    return value if value is not None and value >= 1 else None


def _prefill(turn: Turn, parse: Parse) -> None:
    slots = turn.state.slots
    if (reward_id := named_reward(_rewards(turn), turn.text)) is not None:
        slots["reward"] = reward_id
    if (quantity := _number(_COUNTED, turn.text)) is not None:
        slots["quantity"] = quantity


def _gate(turn: Turn) -> str | None:
    from services.volunteers import get_volunteer_profile

    profile = get_volunteer_profile(turn.session, person_id=turn.person.id)
    if profile is None:
        return NOT_VOLUNTEER
    return None if profile.status == "verified" else NOT_VERIFIED


def _refusal(error: LinliError, advice: str) -> FlowEnds:
    return FlowEnds(f"{error.message}\n{advice}")


def offer(turn: Turn, *, reward_id: Any = None, quantity: Any = None) -> Offer:
    """Return what would be redeemed; refuse (FlowEnds) what the points or stock cannot cover."""
    from services.volunteers.errors import InsufficientPoints, OutOfStock

    slots = turn.state.slots
    wanted = int(slots["reward"] if reward_id is None else reward_id)
    count = int(slots.get("quantity", 1) if quantity is None else quantity)
    reward = next((r for r in _rewards(turn) if r.id == wanted), None)
    if reward is None:
        raise FlowEnds("这个奖品已经不能兑换了。\n回复“积分兑换”看看别的。")
    balance = _balance(turn)
    if reward.stock == 0:  # the last ones went to others since the list was shown
        raise FlowEnds(f"{OutOfStock().message}\n回复“积分兑换”换别的。")
    if reward.stock < count:
        raise FlowEnds(f"{reward.name}只剩{reward.stock}件了。\n回复“积分兑换”换别的，或者少换几件。")
    if balance < reward.points_cost * count:
        need = f"{reward.name}×{count}要{reward.points_cost * count}积分，您现在有{balance}积分。"
        raise _refusal(InsufficientPoints(), f"{need}\n{EARN_MORE}")
    return Offer(reward, count, balance)


def ask_reward(turn: Turn) -> Question:
    from services.volunteers.errors import InsufficientPoints

    balance = _balance(turn)
    stocked = [r for r in _rewards(turn) if r.stock > 0][:MAX_LISTED]
    if not stocked:
        raise FlowEnds(f"您有{balance}积分。\n现在没有可以兑换的物品，有了会通知您。")
    cheapest = min(r.points_cost for r in stocked)
    if balance < cheapest:
        raise _refusal(InsufficientPoints(),
                       f"您现在有{balance}积分，最少要{cheapest}积分才能兑换。\n{EARN_MORE}")
    return Question(f"您现在有{balance}积分。想换哪一样？回复数字：",
                    [(r.id, f"{r.name}，{r.points_cost}积分，还剩{r.stock}件") for r in stocked])


def _accept_reward(turn: Turn, value: Any) -> Any:
    offer(turn, reward_id=value, quantity=1)
    return value


def _read_reward(turn: Turn, text: str, parse: Parse) -> int | None:
    return named_reward(_rewards(turn), text)


def _more_than_one(turn: Turn) -> bool:
    try:
        chosen = offer(turn, quantity=1)
    except FlowEnds:
        return False  # the read-back says why
    return _max_quantity(chosen.reward, chosen.balance) > 1


def ask_quantity(turn: Turn) -> Question:
    chosen = offer(turn, quantity=1)
    most = _max_quantity(chosen.reward, chosen.balance)
    return Question(
        f"{chosen.reward.name}每件{chosen.reward.points_cost}积分，您最多能换{most}件。换几件？",
        [(n, f"{n}件") for n in range(1, min(most, 3) + 1)])


def _accept_quantity(turn: Turn, value: Any) -> Any:
    offer(turn, quantity=value)
    return int(value)


def summary(turn: Turn) -> str:
    chosen = offer(turn)
    return (f"请核对：\n用{chosen.cost}积分兑换 {chosen.reward.name}×{chosen.quantity}，"
            f"兑换后剩余{chosen.balance - chosen.cost}积分")


def commit(turn: Turn) -> str:
    from services.volunteers import redeem_reward

    slots = turn.state.slots
    name = next((r.name for r in _rewards(turn) if r.id == int(slots["reward"])), "奖品")
    try:
        redemption = redeem_reward(turn.session, actor=turn.person, reward_id=int(slots["reward"]),
                                   quantity=int(slots.get("quantity", 1)),
                                   client_key=turn.source_key)
    except LinliError as error:
        # The service's own words, then what to do instead; the engine ends the flow.
        error.message = f"{error.message}\n回复“积分兑换”换别的。{EARN_MORE}"
        raise
    return (f"兑换成功！\n用{redemption.points}积分兑换了{name}×{redemption.quantity}，"
            f"还剩{_balance(turn)}积分。\n请到社区服务站领取。")


REDEEM = Flow(
    name="points_redeem", title="积分兑换", cue="积分兑换",
    steps=(
        Step("reward", ask_reward, _read_reward, accept=_accept_reward),
        Step("quantity", ask_quantity, lambda t, text, p: _number(_ANY_NUMBER, text),
             needed=_more_than_one, accept=_accept_quantity),
    ),
    prefill=_prefill, gate=_gate, summary=summary, commit=commit,
)

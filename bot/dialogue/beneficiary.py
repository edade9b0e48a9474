"""For whom a message acts: the sender, or someone they hold an accepted proxy for.

"给我妈 / 我爸 / 老伴 / 王秀英" is matched against the sender's accepted
principals: by the relation the proxy records (子女 fits 我妈 and 我爸, 老伴
fits 老伴) and by name. The principals are read only when the message names
someone, so a turn about oneself costs no query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.dialogue.flow import FlowEnds, Question
from bot.turn import Turn
from models.person import Person
from services.people.persons import find_person

FOR = "for"  # slot: the principal's person id
FOR_NAME = "for_name"  # slot: their name, for the read-back
WHOM = "_whom"  # slot: [[id, name], ...] when the message fits several (or none)
KEPT = (FOR, FOR_NAME)  # what 重新填写 keeps
HOW_TO_PROXY = ("您还不能替家人办。请在小程序“我的—家人代办”里邀请老人，"
                "老人回复“同意”后就能替他办了。")
GONE = "这位老人的账号已经注销了，不能再替老人办理。\n有事请打社区电话，或者回复“转人工”。"

# What people call the one they act for → the relations (as proxies record them) that fit.
_KIN_GROUPS = (
    ("妈妈|老妈|我妈|母亲|老娘|我娘|爸爸|老爸|我爸|父亲|老爹|我爹|婆婆|公公|岳母|岳父|丈母娘|老丈人",
     "子|女|儿|媳|婿"),
    ("老伴|老公|老婆|爱人|丈夫|妻子|老头子|老太婆", "配偶|老伴|夫|妻|爱人"),
    ("奶奶|爷爷|外婆|外公|姥姥|姥爷", "孙"),
)
_KIN = [(re.compile(words), re.compile(fits)) for words, fits in _KIN_GROUPS]
_KNOWN_RELATION = re.compile("|".join(fits for _, fits in _KIN_GROUPS) + "|邻居|朋友|志愿")
# "家里老人" fits whomever the sender acts for.
_KIN.append((re.compile("家里(?:的)?老人|家中老人|我家(?:的)?老人|家里(?:的)?长辈|老人家"), re.compile("")))
# "给王秀英订 / 帮王秀英取消 / 替… / 王秀英的订餐": the message may name someone.
_NAMED = re.compile(r"(?:给|帮|替|为|查)(?![我你您])[\u4e00-\u9fa5]{2}|[\u4e00-\u9fa5]{2}的(?:饭|餐|订|求助)")
_SELF = re.compile(r"(?:给|帮|替|为)?(?:我自己|自己)")
# "我和老伴订两份", "给我们俩订": the sender books for themselves (and company).
_TOGETHER = re.compile(r"我(?:和|跟|与|同)|我们|咱们|咱俩|我俩|两口子|一家")


@dataclass(frozen=True)
class Meant:
    """Whom a message means: `mine` (the sender), or the principals that fit (maybe none)."""

    mine: bool
    fits: list[Person]


def mention(text: str) -> bool:
    """Tell cheaply whether a message may be about someone else."""
    return any(kin.search(text) for kin, _ in _KIN) or bool(_NAMED.search(text))


def _fits(relation: str | None, kin: re.Pattern[str], fits: re.Pattern[str], text: str) -> bool:
    if not kin.search(text):
        return False
    return not relation or not _KNOWN_RELATION.search(relation) or bool(fits.search(relation))


def meant(turn: Turn, text: str) -> Meant | None:
    """Return whom a message names, or None when it names nobody but the sender."""
    if _SELF.search(text) and not any(kin.search(text) for kin, _ in _KIN):
        return Meant(mine=True, fits=[])
    if not mention(text) or _TOGETHER.search(text):
        return None
    from services.people.proxies import list_principals

    principals = list_principals(turn.session, agent=turn.person)
    named = [p for _, p in principals if p.name and p.name in text]
    if named:
        return Meant(mine=False, fits=named)
    kin_said = any(kin.search(text) for kin, _ in _KIN)
    if not kin_said:
        return None  # "帮李奶奶买菜" names no principal: not about a proxy at all
    fits = [p for proxy, p in principals
            if any(_fits(proxy.relation, kin, ok, text) for kin, ok in _KIN)]
    return Meant(mine=False, fits=fits)


def take(turn: Turn, text: str, *, required: bool) -> bool:
    """Fill the beneficiary slots from a message; return True when they changed.

    One fitting principal → act for them; several → ask which (the `for`
    step); none → ask nothing more when `required` is False (the sender acts
    for themselves), else the `for` step ends the flow saying how to become a proxy.
    """
    slots = turn.state.slots
    said = meant(turn, text)
    if said is None:
        return False
    before = (slots.get(FOR), slots.get(WHOM))
    if said.mine:
        slots.pop(FOR, None), slots.pop(FOR_NAME, None), slots.pop(WHOM, None)
    elif len(said.fits) == 1:
        slots[FOR], slots[FOR_NAME] = said.fits[0].id, said.fits[0].name
        slots.pop(WHOM, None)
    elif said.fits or required:
        slots.pop(FOR, None), slots.pop(FOR_NAME, None)
        slots[WHOM] = [[p.id, p.name] for p in said.fits]
    return (slots.get(FOR), slots.get(WHOM)) != before


def ask_whom(turn: Turn) -> Question:
    """Ask which of several principals; with none, end the flow saying how to become a proxy."""
    options = turn.state.slots.get(WHOM) or []
    if not options:
        raise FlowEnds(HOW_TO_PROXY)
    return Question("替哪一位办？", [(pid, name) for pid, name in options])


def read_whom(turn: Turn, text: str, parse: Any) -> int | None:
    """Take a principal named in an answer ("王秀英", "给我妈")."""
    for pid, name in turn.state.slots.get(WHOM) or []:
        if name and name in text:
            return int(pid)
    return None


def accept_whom(turn: Turn, value: Any) -> int:
    """Remember the chosen principal's name for the read-back."""
    slots = turn.state.slots
    names = {int(pid): name for pid, name in slots.pop(WHOM, None) or []}
    slots[FOR_NAME] = names.get(int(value), "")
    return int(value)


def needs_whom(turn: Turn) -> bool:
    return WHOM in turn.state.slots


def person_for(turn: Turn) -> Person:
    """Return the person the flow acts for: the chosen principal, or the sender."""
    pid = turn.state.slots.get(FOR)
    if pid is None:
        return turn.person
    found = find_person(turn.session, person_id=int(pid))
    return found if found is not None else turn.person


def gone_words(turn: Turn) -> str | None:
    """Say that the person the flow acts for no longer has an account (erased), else None."""
    pid = turn.state.slots.get(FOR)
    if pid is None:
        return None
    found = find_person(turn.session, person_id=int(pid))
    return GONE if found is None or found.erased_at is not None else None


def name_for(turn: Turn) -> str:
    """Return the principal's name when acting for someone, else ""."""
    if turn.state.slots.get(FOR) is None:
        return ""
    return str(turn.state.slots.get(FOR_NAME) or "老人")


def for_words(turn: Turn, words: str) -> str:
    """Say `words` with the principal's name ("给{}订" → "给王秀英订") when acting for someone."""
    name = name_for(turn)
    return words.format(name) if name else ""


def people_meant(turn: Turn, text: str) -> list[Person] | str:
    """For a one-shot question: the people it asks about, or why the sender may not ask."""
    said = meant(turn, text)
    if said is None or said.mine:
        return [turn.person]
    return said.fits or HOW_TO_PROXY

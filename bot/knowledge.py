"""Policy answers from the knowledge base staff edit in the console (services.assistance.policies).

An answer says who qualifies, what to bring, where to go (the person's own
street and community) and whom to call, for bot.dialogue.policy to follow
with the matching step. "我的补贴为什么是6元" is answered from the
person's own subsidy: the rule that applies, this month's cap and use.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy.orm import Session

from models.person import TIER_NAMES, Person
from models.policies import PolicyEntry
from services.assistance.policies import Place, find_policy_entry, place_of, window_for
from services.meals.wording import yuan

# "我的补贴为什么是6元", "为啥我只补3块": about the person's own meal subsidy.
_MY_SUBSIDY = re.compile(r"(?:我|俺|我的|我家)\S{0,3}(?:补贴|补助|餐补)|(?:补贴|补助|餐补)\S{0,6}(?:为什么|为啥|咋|怎么才|怎么只)"
                         r"|(?:为什么|为啥|咋)\S{0,6}(?:补贴|补助|餐补)")


def entry_for(session: Session, *, text: str, topic: str | None) -> PolicyEntry:
    """Return the entry a message asks about."""
    return find_policy_entry(session, text=text, topic=topic)


def asks_own_subsidy(text: str, entry: PolicyEntry) -> bool:
    """Tell whether a message asks about the person's own meal subsidy, not a programme."""
    return entry.code in ("meal_subsidy", "other") and bool(_MY_SUBSIDY.search(text))


def policy_answer(session: Session, *, place: Place, entry: PolicyEntry) -> str:
    """Answer with who qualifies, what to bring, where to go (the person's `place`) and whom to call."""
    lines = [f"【{entry.title}】", f"谁能办：{entry.who}", f"带什么：{entry.bring}"]
    if entry.code == "meal_subsidy":
        lines.insert(2, f"每餐补：{_subsidy_table(session)}")
        lines.append("想知道自己每餐补多少，回复“我的补贴”。")
    lines += [f"到哪办：{window_for(entry, place)}", f"电话：{place.phone}"]
    return "\n".join(lines)


def _subsidy_table(session: Session) -> str:
    from services.meals.subsidies import list_subsidy_rules, rule_phrase

    rules = sorted(list_subsidy_rules(session), key=lambda r: (r.amount_fen, r.id))
    return "；".join(f"{rule_phrase(r)}{yuan(r.amount_fen)}" for r in rules) or "以社区公布的为准"


def own_subsidy_answer(session: Session, *, person: Person, day: date) -> str:
    """Explain the person's own subsidy from their computation: rule, cap, used, what is missing."""
    from services.meals.subsidies import rule_phrase, subsidy_standing

    if person.birth_date is None:
        return "还不知道您的年龄，算不出补贴。\n请先回复“登记”，留下出生年月。"
    standing = subsidy_standing(session, person=person, day=day)
    who, rule = standing.who, standing.rule
    lines = [f"您今年{who.age}岁" + (f"，是{TIER_NAMES[who.tier]}对象" if who.tier else "") + "。"]
    if rule is None:
        lines.append("现在还不符合助餐补贴条件（60岁以上才有），吃饭按原价。")
    else:
        lines.append(f"按“{rule_phrase(rule)}”这一档，每餐补贴{yuan(rule.amount_fen)}，只补本人1份。")
        lines.append(f"每月最多补{yuan(rule.monthly_cap_fen)}，本月已用{yuan(standing.used_fen)}，"
                     f"还剩{yuan(standing.cap_left_fen)}。")
    if who.unverified_tier:
        lines.append(f"您登记的{TIER_NAMES[who.unverified_tier]}身份还没有经社区核对，核对后补贴可能更多。")
    place = place_of(session, person=person)
    lines.append(f"有疑问请打电话问：{place.phone}")
    return "\n".join(lines)

"""Policy answers from a small knowledge base that staff edit (bot/data/policies.json)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from models.person import Person
from services.residents import community_of

DATA = Path(__file__).resolve().parent / "data" / "policies.json"
TOPICS = ("dibao", "tekun", "temporary_aid", "meal_subsidy", "medical_aid", "disability",
          "volunteer_points")
FALLBACK_PHONE = "12345"


@cache
def load_policies(path: Path = DATA) -> dict[str, dict[str, Any]]:
    """Read the knowledge base once per process."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in raw.items() if not key.startswith("_")}


def _service_phone(session: Session, person: Person) -> str:
    if person.community_id is not None:
        community = community_of(session, person.community_id)
        if community is not None and community.service_phone:
            return f"{community.name}服务电话 {community.service_phone}"
    return f"政务服务热线 {FALLBACK_PHONE}"


def policy_answer(session: Session, *, person: Person, topic: str) -> str:
    """Answer a policy question with where to go and whom to call."""
    policies = load_policies()
    entry = policies.get(topic) or policies["other"]
    lines = [f"【{entry['title']}】", *entry["lines"]]
    lines.append(f"办理：{entry['window']}")
    lines.append(f"咨询：{_service_phone(session, person)}")
    return "\n".join(lines)


def topic_menu() -> str:
    """List the topics as numbered choices."""
    policies = load_policies()
    lines = ["想了解哪项政策？回复数字："]
    lines += [f"{n} {policies[t]['title']}" for n, t in enumerate(TOPICS, start=1)]
    return "\n".join(lines)

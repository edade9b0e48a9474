"""The policy knowledge base the chat answers from (政策问答): browse and edit, audited."""

from __future__ import annotations

from typing import Any, Literal

from flask import abort, redirect, url_for
from pydantic import Field

from console import bp
from console.pages import form, render
from console.session import current_staff, flash, staff_page
from core.uow import db
from core.validation import Body
from services.assistance import policies

ACTION_NAMES = {"apply": "问“需要帮您申请吗？回复1”（转成求助）", "meal_book": "问要不要订餐",
                "volunteer_register": "问要不要报名志愿者", "points_query": "问要不要查积分", "": "不问"}
CATEGORY_NAMES = {"living": "生活困难", "medical": "看病", "care": "照料", "housing": "住房",
                  "education": "上学", "employment": "找工作", "other": "其他"}


class PolicyForm(Body):
    title: str = Field(max_length=64)
    keywords: str = Field(default="", max_length=1000)
    who: str = Field(max_length=1000)
    bring: str = Field(max_length=1000)
    window: str = Field(max_length=300)
    action: Literal["apply", "meal_book", "volunteer_register", "points_query", ""] = ""
    help_category: str | None = Field(default=None, max_length=32)
    active: bool = False  # an unticked box sends nothing


@bp.get("/policies", endpoint="policies")
@staff_page
def policies_page() -> Any:
    """List every policy the chat answers, with what it offers next."""
    entries = policies.list_policy_entries(db(), include_inactive=True)
    return render("console/policies.html", entries=entries, actions=ACTION_NAMES)


@bp.get("/policies/<code>", endpoint="policy")
@staff_page
def policy_page(code: str) -> Any:
    """Show one policy's wording in a form."""
    entry = next((e for e in policies.list_policy_entries(db(), include_inactive=True)
                  if e.code == code), None)
    if entry is None:
        abort(404)
    return render("console/policy.html", entry=entry, actions=ACTION_NAMES,
                  categories=CATEGORY_NAMES, keywords="\n".join(policies.keywords_of(entry)))


@bp.post("/policies/<code>")
@staff_page
def save_policy(code: str) -> Any:
    """Save a policy's wording; the chat answers with it from the next message on."""
    body = form(PolicyForm)
    saved = policies.update_policy_entry(db(), actor=current_staff(), code=code, **body.model_dump())
    flash(f"已保存：{saved.title}")
    return redirect(url_for("console.policies"))

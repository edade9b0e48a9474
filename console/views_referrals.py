"""A charity's referrals: the requests staff referred to it, read under the person's consent.

A charity's admin signs in to the console like staff and sees only this page: the
list, one request (details shown only while the person's consent stands) and the
moves a referred organisation makes: take it on, start, report the result, or send
it back to the community with a reason.
"""

from __future__ import annotations

from typing import Any, Literal

from flask import g, redirect, url_for
from pydantic import Field

from console import bp
from console.pages import form, people_by_id, render
from console.session import flash, member_page, staff_page
from core.uow import db
from core.validation import Body

PAGE = 50
# What a referred organisation does next, by the request's status.
NEXT_MOVES = {"referred": ("accepted", "rejected"), "accepted": ("in_progress",),
              "assigned": ("in_progress",), "in_progress": ("resolved",)}
MOVE_WORDS = {"accepted": "接下这条求助", "rejected": "退回社区（写明原因）",
              "in_progress": "开始办理", "resolved": "已办好（写明结果）"}


class ReferralMove(Body):
    to: Literal["accepted", "rejected", "in_progress", "resolved"]
    note: str | None = Field(default=None, max_length=500)


class ConsentAsk(Body):
    organisation_id: int


@bp.get("/referrals", endpoint="referrals")
@member_page
def referrals_page() -> Any:
    """List the requests referred to the signed-in admin's charity, newest first."""
    from models.help_requests import CATEGORY_NAMES
    from services.help_requests import list_staff_help_requests
    from services.help_requests.triage import STATUS_NAMES

    found = list_staff_help_requests(db(), actor=g.console_person, limit=PAGE)[:PAGE]
    people = people_by_id(r.beneficiary_id for r in found)
    return render("console/referrals.html", requests=found, people=people,
                  status_names=STATUS_NAMES, category_names=CATEGORY_NAMES)


@bp.get("/referrals/<int:request_id>")
@member_page
def referral_detail(request_id: int) -> Any:
    """One referred request as the charity may see it now (audited read)."""
    from services.help_requests import present_help_request
    from services.help_requests.queries import load_visible
    from services.help_requests.triage import STATUS_NAMES

    member = g.console_person
    help_request, relation = load_visible(db(), actor=member, request_id=request_id)
    body = present_help_request(db(), actor=member, help_request=help_request, relation=relation)
    moves = NEXT_MOVES.get(help_request.status, ()) if relation == "organisation" else ()
    return render("console/referral.html", request_body=body, help_request=help_request,
                  moves=[(m, MOVE_WORDS[m]) for m in moves], status_names=STATUS_NAMES)


@bp.post("/referrals/<int:request_id>/move")
@member_page
def move_referral(request_id: int) -> Any:
    """Take on, start, finish or send back a referred request."""
    from services.help_requests import transition_help_request
    from services.help_requests.triage import STATUS_NAMES

    body = form(ReferralMove)
    moved = transition_help_request(db(), actor=g.console_person, request_id=request_id,
                                    to=body.to, note=body.note)
    if moved.organisation_id is None:
        flash(f"{moved.code} 已退回社区。")
        return redirect(url_for("console.referrals"))
    flash(f"{moved.code} 已改为“{STATUS_NAMES[moved.status]}”。")
    return redirect(url_for("console.referral_detail", request_id=request_id))


@bp.post("/requests/<int:request_id>/ask-consent")
@staff_page
def ask_consent(request_id: int) -> Any:
    """Ask the person, in chat, whether a charity may see their request."""
    from services.help_requests.consent import ask_charity_consent

    body = form(ConsentAsk)
    asked = ask_charity_consent(db(), actor=g.console_person, request_id=request_id,
                                organisation_id=body.organisation_id)
    flash("已在公众号里问求助人，回复后会通知您。" if asked else "求助人已经同意过，可以直接转介。")
    return redirect(url_for("console.request_detail", request_id=request_id))

"""Erasure requests staff confirm (with the reason, audited) and the retention runs' counts."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from pydantic import Field

from console import bp
from console.pages import form, render
from console.session import current_staff, flash, staff_page
from core.uow import db
from core.validation import Body
from services.rights import erasure, retention


class ErasureForm(Body):
    reason: str = Field(min_length=1, max_length=1000)


@bp.get("/erasures", endpoint="erasures")
@staff_page
def erasures_page() -> Any:
    """List the erasure requests waiting for staff, and the latest retention runs."""
    requests = erasure.list_erasure_requests(db(), actor=current_staff())
    return render("console/erasures.html", requests=requests, runs=retention.list_runs(db(), limit=10),
                  rules=retention.rules())


@bp.post("/erasures/<int:request_id>/confirm", endpoint="confirm_erasure")
@staff_page
def confirm_erasure(request_id: int) -> Any:
    """Erase the person who asked, recording the reason in the audit log."""
    body = form(ErasureForm)
    done = erasure.confirm_erasure(db(), actor=current_staff(), request_id=request_id,
                                   reason=body.reason)
    flash(f"已注销，今后记为“{done.pseudonym}”。")
    return redirect(url_for("console.erasures"))

"""The 小程序 front door: JSON over HTTP at /api/v1, token auth, one error envelope.

Each domain keeps its routes in its own module of this package, and
`miniprogram_api.routes` imports it; importing the module attaches its routes
to `bp`, so the app registers `miniprogram_api.routes.bp`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import IntegerConverter

from core.uow import close_unit_of_work, finish_unit_of_work
from miniprogram_api.ratelimit import limit_request

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` ids that fit an integer column; larger ones match no route (404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _bound_ids(state: BlueprintSetupState) -> None:
    # Runs before any route of the blueprint is added, so every <int:id> uses it.
    state.app.url_map.converters["int"] = IdConverter


bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.record_once(_bound_ids)
bp.before_request(limit_request)
bp.after_request(finish_unit_of_work)
bp.teardown_request(close_unit_of_work)

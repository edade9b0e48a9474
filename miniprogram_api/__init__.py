"""The 小程序 front door: JSON over HTTP at /api/v1, token auth, one error envelope.

Each domain keeps its routes in its own module of this package and lists it
in ROUTE_MODULES; importing the module attaches its routes to `bp`.
"""

from __future__ import annotations

import importlib
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

ROUTE_MODULES: list[str] = [
    "miniprogram_api.openapi",
    "miniprogram_api.auth_routes",
    "miniprogram_api.me",
    "miniprogram_api.proxies",
    "miniprogram_api.routes_alerts",
    "miniprogram_api.meals", "miniprogram_api.meals_staff", "miniprogram_api.standing_orders",
    "miniprogram_api.volunteers", "miniprogram_api.activities",
    "miniprogram_api.help_requests",
    "miniprogram_api.staff_residents",
    "miniprogram_api.staff_households",
    "miniprogram_api.notifications",
    "miniprogram_api.rights",
    "miniprogram_api.funds",
]


def load_routes() -> Blueprint:
    """Import every route module once and return the blueprint."""
    for name in ROUTE_MODULES:
        importlib.import_module(name)
    return bp

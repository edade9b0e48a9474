"""The 小程序 front door: JSON over HTTP at /api/v1, token auth, one error envelope.

Each domain keeps its routes in its own module of this package and lists it
in ROUTE_MODULES; importing the module attaches its routes to `bp`.
"""

from __future__ import annotations

import importlib

from flask import Blueprint

from miniprogram_api.ratelimit import limit_request
from miniprogram_api.uow import close_unit_of_work, finish_unit_of_work

bp = Blueprint("api", __name__, url_prefix="/api/v1")
bp.before_request(limit_request)
bp.after_request(finish_unit_of_work)
bp.teardown_request(close_unit_of_work)

ROUTE_MODULES: list[str] = [
    "miniprogram_api.openapi",
    "miniprogram_api.auth_routes",
    "miniprogram_api.me",
    "miniprogram_api.proxies",
    "miniprogram_api.routes_alerts",
    "miniprogram_api.volunteers", "miniprogram_api.activities",
    "miniprogram_api.meals", "miniprogram_api.meals_staff",
    "miniprogram_api.help_requests",
    "miniprogram_api.staff_residents",
    "miniprogram_api.notifications",
]


def load_routes() -> Blueprint:
    """Import every route module once and return the blueprint."""
    for name in ROUTE_MODULES:
        importlib.import_module(name)
    return bp

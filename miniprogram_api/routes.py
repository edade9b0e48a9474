"""The mini-program API with every route attached: `bp` is what the app registers.

A new domain's route module is imported here; importing it attaches its routes
to `miniprogram_api.bp`.
"""

from __future__ import annotations

from miniprogram_api import bp

# In this order the routes are added, as they always were.
# isort: off
from miniprogram_api import (  # noqa: F401  (imported for the routes they attach)
    openapi,
    auth_routes,
    me,
    proxies,
    routes_alerts,
    meals,
    meals_staff,
    standing_orders,
    volunteers,
    activities,
    help_requests,
    staff_residents,
    staff_households,
    notifications,
    rights,
    funds,
)
# isort: on

__all__ = ["bp"]

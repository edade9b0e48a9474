"""The console with every page attached: `bp` is what the app registers.

A new page's views module is imported here; importing it attaches its routes
to `console.bp`.
"""

from __future__ import annotations

from console import bp

# In this order the pages are added, as they always were.
# isort: off
from console import (  # noqa: F401  (imported for the routes they attach)
    views_auth,
    views_dashboard,
    views_alerts,
    views_requests,
    views_residents,
    views_standing,
    views_service,
    views_resources,
    views_referrals,
    views_rules,
    views_households,
    views_household_checks,
    views_policies,
    views_addresses,
    views_rights,
    views_coverage,
    views_layers,
    views_funds,
    exports,
)
# isort: on

__all__ = ["bp"]

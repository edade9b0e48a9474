"""SQLAlchemy 2.0 typed tables. Importing this package registers every table.

Each domain keeps its tables in its own module; add it to the import below.
"""

from models import (  # noqa: F401  (imported to register the tables)
    activities,
    addresses,
    assistance,
    audit,
    auth,
    bot,
    channels,
    console,
    filing,
    funds,
    help_requests,
    meals,
    messaging,
    monitoring,
    person,
    policies,
    region,
    rights,
    standing,
    volunteers,
)
from models.base import Base

__all__ = ["Base"]

"""SQLAlchemy 2.0 typed tables. Importing this package registers every table.

Each domain keeps its tables in its own module; add the import below.
"""

from models import audit, auth, messaging, monitoring, person, region  # noqa: F401
from models import bot  # noqa: F401
from models import console  # noqa: F401
from models import channels  # noqa: F401
from models import help_requests  # noqa: F401
from models import activities, volunteers  # noqa: F401
from models import meals  # noqa: F401
from models.base import Base

__all__ = ["Base"]

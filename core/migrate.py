"""Run Alembic from code: `make run`, the CLI and the test suite migrate to head."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from core.config import ROOT


def alembic_config(url: str) -> Config:
    """Return an Alembic config aimed at a database URL."""
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "models" / "migrations"))
    cfg.attributes["url"] = url
    return cfg


def upgrade_to_head(url: str) -> None:
    """Apply every migration (all branches) to the database at `url`."""
    command.upgrade(alembic_config(url), "heads")

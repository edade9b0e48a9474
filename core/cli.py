"""`flask --app wsgi migrate`: the one command core owns (each door adds its own groups)."""

from __future__ import annotations

import click
from flask import Flask

from core.config import get_settings
from core.migrate import upgrade_to_head


@click.command("migrate")
def migrate_command() -> None:
    """Upgrade the database to the newest schema."""
    upgrade_to_head(get_settings().database_url)
    click.echo("数据库已升级到最新版本。")


def register(app: Flask) -> None:
    """Attach the `migrate` command to the app's CLI."""
    app.cli.add_command(migrate_command)

"""`flask --app wsgi ...` commands: migrate, demo-data, and each domain's groups."""

from __future__ import annotations

import importlib

import click
from flask import Flask

from core.config import ConfigError, get_settings, refuse_in_production
from core.db import session_scope
from core.migrate import upgrade_to_head

# Modules that expose `register(app)` to add their own command groups.
COMMAND_MODULES: list[str] = [
    "bot.cli",
    "core.cli_roles",
    "console.cli",
    "console.cli_rules",
    "console.cli_addresses",
    "console.cli_filing",
    "scheduler.cli",
]


@click.command("migrate")
def migrate_command() -> None:
    """Upgrade the database to the newest schema."""
    upgrade_to_head(get_settings().database_url)
    click.echo("数据库已升级到最新版本。")


@click.command("demo-data")
def demo_data_command() -> None:
    """Load the demo county, communities, organisations and people (idempotent)."""
    from services.demo import load_demo_data

    try:
        refuse_in_production("演示数据（含公开密码的演示账号）", get_settings())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc

    with session_scope() as session:
        summary = load_demo_data(session)
    for name, count in summary.items():
        click.echo(f"{name}: {count}")


def register_commands(app: Flask) -> None:
    """Attach every CLI command to the app."""
    app.cli.add_command(migrate_command)
    app.cli.add_command(demo_data_command)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)

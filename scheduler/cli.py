"""`flask --app wsgi retention rules|run [--dry-run]`: the retention table and enforcing it by hand."""

from __future__ import annotations

import click
from flask import Flask

from core import clock
from core.db import session_scope
from core.errors import LinliError
from services.rights import retention

ACTIONS = {"delete": "删除", "clear": "清除个人内容，保留记录", "keep": "保留（不自动处理）"}


@click.group("retention")
def retention_group() -> None:
    """Keep records only as long as the rules say."""


@retention_group.command("rules")
def show_rules() -> None:
    """Print the retention rules in force (with any RETENTION_DAYS overrides)."""
    try:
        active = retention.rules()
    except LinliError as exc:
        raise click.ClickException(exc.message) from None
    for rule in active:
        click.echo(f"{rule.code}\t{rule.what}\t{rule.days}天\t{ACTIONS[rule.action]}\t{rule.why}")


@retention_group.command("run")
@click.option("--dry-run", is_flag=True, help="只数一数到期的记录，不删除")
def run_retention(dry_run: bool) -> None:
    """Delete or clear what has expired now, and print the counts."""
    try:
        counts = retention.enforce_retention(session_scope, now=clock.now(), dry_run=dry_run,
                                             kind="manual")
    except LinliError as exc:
        raise click.ClickException(exc.message) from None
    assert counts is not None  # a manual run is never skipped
    click.echo("到期记录（试运行，未改动）：" if dry_run else "已处理到期记录：")
    for code, count in counts.items():
        click.echo(f"  {code}: {count}")


def register(app: Flask) -> None:
    """Add the retention commands."""
    app.cli.add_command(retention_group)

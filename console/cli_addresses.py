"""`flask --app wsgi addresses ...`: import the community address book from a CSV file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from core.db import session_scope
from services.people.addresses import import_address_book


@click.group("addresses")
def addresses_group() -> None:
    """The community address book (buildings, courtyards, coordinates, aliases)."""


@addresses_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_file(file: Path) -> None:
    """Import FILE (CSV: 社区,楼栋,别名,纬度,经度); good lines are kept, bad ones listed."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException("文件不是 UTF-8 编码，请在表格软件里另存为“CSV UTF-8”。") from None
    with session_scope() as s:
        report = import_address_book(s, text=text)
    click.echo(f"新增 {report.created} 栋，更新 {report.updated} 栋，未变 {report.unchanged} 栋。")
    if report.located:
        click.echo(f"又为 {report.located} 位居民找到了家的位置，已通知他们。")
    for line in report.errors:
        click.echo(line, err=True)
    if report.errors:
        raise SystemExit(1)


def register(app: Flask) -> None:
    """Attach the addresses command group."""
    app.cli.add_command(addresses_group)

"""`flask --app wsgi filing ...` and `funds ...`: the provincial filing batches and the funds ledger check."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask import Flask

from console.cli_rules import session_scope
from services import funds
from services.assistance import filing


@click.group("filing")
def filing_group() -> None:
    """Filing with civil affairs (报送省低收入人口监测平台)."""


def _write(out: str | None, name: str, data: bytes) -> Path:
    path = Path(out) if out else Path(name)
    if path.is_dir():
        path = path / name
    path.write_bytes(data)
    return path


@filing_group.command("export")
@click.option("--since", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="从这一天起（含）到昨天、还没报过的记录")
@click.option("--out", default=None, help="文件或目录（默认当前目录）")
def export_batch(since: object, out: str | None) -> None:
    """File every record not filed yet as the next numbered batch."""
    day: date = since.date()  # type: ignore[attr-defined]
    with session_scope() as s:
        batch = filing.export_filing_batch(s, actor=None, since=day)
        if batch is None:
            click.echo("没有新的记录要报送。")
            return
        number, rows, digest, name = batch.number, batch.rows, batch.sha256, filing.filing_file_name(batch)
        data = batch.content.encode("utf-8")
    path = _write(out, name, data)
    click.echo(f"第{number}批：{rows}条，已写入 {path}（sha256 {digest}）")


@filing_group.command("show")
@click.option("--batch", "number", required=True, type=int, help="批次号")
@click.option("--out", default=None, help="文件或目录（默认当前目录）")
def show_batch(number: int, out: str | None) -> None:
    """Write batch N again, byte for byte as first exported."""
    with session_scope() as s:
        batch, data = filing.get_filing_batch_file(s, actor=None, number=number)
        name = filing.filing_file_name(batch)
    click.echo(f"已写入 {_write(out, name, data)}")


@filing_group.command("list")
def list_batches() -> None:
    """Print every batch: number, window, rows, sha256."""
    with session_scope() as s:
        for b in filing.list_filing_batches(s, actor=None):
            click.echo(f"{b.number}\t{b.since}~{b.until}\t{b.rows}条\t{b.sha256}")


@click.group("funds")
def funds_group() -> None:
    """Charity funds (慈善基金)."""


@funds_group.command("reconcile")
def reconcile() -> None:
    """Check that the funds ledger sums to zero and every balance equals its entries."""
    with session_scope() as s:
        report = funds.reconcile_funds(s)
    click.echo("基金账目一致。" if report["ok"] else f"基金账目不一致：{report}")


def register(app: Flask) -> None:
    """Attach the `filing` and `funds` groups to the app's CLI."""
    app.cli.add_command(filing_group)
    app.cli.add_command(funds_group)

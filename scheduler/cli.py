"""`flask --app wsgi backup create|verify|restore`, `outbox status|hold|release`, `retention rules|run`.

Operations commands beside the dispatcher they pause and resume; the work
is in services.operations.backup and services.messaging.outbox_hold.
"""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path

import click
from flask import Flask

from core import clock
from core.config import get_settings
from core.db import session_scope
from core.errors import LinliError
from services.messaging import outbox_hold
from services.operations import backup
from services.rights import retention


def _local(value: datetime | None) -> str:
    if value is None:
        return "不详"
    local = clock.as_aware(value).astimezone(clock.LOCAL_TZ)
    return f"{local:%Y年%m月%d日 %H:%M:%S}"


@click.group("backup")
def backup_group() -> None:
    """备份与恢复数据库。"""


@backup_group.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create(path: Path) -> None:
    """Write a consistent backup of the configured database to PATH while it keeps serving."""
    try:
        manifest = backup.create_backup(database_url=get_settings().database_url, path=path,
                                        now=clock.now())
    except backup.BackupRefused as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"写不进 {path}：{exc.strerror or exc}") from None
    click.echo(f"备份完成：{path}")
    _describe(manifest)


def _describe(manifest: backup.Manifest) -> None:
    click.echo(f"  数据库：{backup.BACKENDS.get(manifest.backend, manifest.backend)}"
               f"，版本 {', '.join(manifest.schema_revisions)}")
    click.echo(f"  备份时间：{_local(manifest.taken_at_time)}")
    click.echo(f"  大小：{manifest.payload_bytes} 字节，校验和 {manifest.payload_sha256[:16]}…")
    click.echo(f"  密钥指纹：{manifest.key_fingerprint}")


@backup_group.command("verify")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def verify(path: Path) -> None:
    """Check that PATH is whole, of this deployment and readable by the database's tools."""
    try:
        manifest = backup.verify_backup(path=path)
    except backup.BackupRefused as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"备份完好，可以恢复：{path}")
    _describe(manifest)


@backup_group.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--into", "into_url", required=True, help="目标数据库地址（必须是新建的空数据库）")
def restore(path: Path, into_url: str) -> None:
    """Restore PATH into an empty database; its outbox stays held until `outbox release`."""
    try:
        manifest = backup.restore_backup(path=path, into_url=into_url, now=clock.now())
    except backup.BackupRefused as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"读写文件失败：{exc.strerror or exc}") from None
    click.echo("恢复完成。")
    _describe(manifest)
    click.echo("自动消息已暂停发送：备份之后旧系统可能已经发出过一些。")
    click.echo("核对后执行 flask --app wsgi outbox release 恢复发送。")


@click.group("outbox")
def outbox_group() -> None:
    """自动消息（发件箱）。"""


@outbox_group.command("status")
def status() -> None:
    """Say whether dispatch is held and how many notifications wait."""
    with session_scope(readonly=True) as s:
        summary = outbox_hold.get_outbox_hold(s)
    if summary is None:
        click.echo("自动消息正常发送，没有暂停。")
        return
    click.echo(f"自动消息已暂停（{_local(summary.held_at)} 起，备份时间 "
               f"{_local(summary.backup_taken_at)}），{summary.unsent} 条未发。")


@outbox_group.command("hold")
@click.option("--data-until", default=None,
              help="数据恢复到的时间（ISO，带时区）；默认是现在。用于时间点恢复（PITR）之后")
def hold(data_until: str | None) -> None:
    """Pause all dispatch by hand (after a point-in-time recovery, before the scheduler starts)."""
    with session_scope() as s:
        outbox_hold.hold_dispatch(s, backup_taken_at=_parse_time(data_until, "--data-until"),
                                  now=clock.now())
    click.echo("自动消息已暂停发送。核对后执行 flask --app wsgi outbox release 恢复发送。")


@outbox_group.command("release")
@click.option("--sent-until", default=None,
              help="旧系统最后发消息的时间（ISO，带时区，例如 2026-12-03T10:00:00+08:00）；"
                   "默认是备份时间")
@click.option("--by", "released_by", default=None, help="执行人（默认是当前系统用户）")
def release(sent_until: str | None, released_by: str | None) -> None:
    """Skip what may already have gone out, then let the dispatcher send the rest."""
    cutoff = _parse_time(sent_until, "--sent-until")
    with session_scope() as s:
        try:
            report = outbox_hold.release_outbox_hold(
                s, now=clock.now(), sent_until=cutoff, released_by=released_by or getpass.getuser())
        except outbox_hold.NoOutboxHold:
            raise click.ClickException("自动消息没有暂停，不需要恢复。") from None
    click.echo("自动消息已恢复发送。")
    click.echo(f"  {_local(report.sent_until)} 以前到期、未确认发出的 {report.skipped} 条不再发送"
               "（工作人员可在失败消息里逐条重发）。")
    click.echo(f"  已过时的提醒 {report.stale} 条取消。")
    click.echo(f"  其余 {report.to_send} 条按时发送。")


def _parse_time(raw: str | None, option: str) -> datetime | None:
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise click.BadParameter("时间格式不对，例如 2026-12-03T10:00:00+08:00",
                                 param_hint=option) from None
    if moment.tzinfo is None:
        raise click.BadParameter("请带上时区，例如 +08:00", param_hint=option)
    return moment


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
    """Attach the `backup`, `outbox` and `retention` groups to the app's CLI."""
    app.cli.add_command(backup_group)
    app.cli.add_command(outbox_group)
    app.cli.add_command(retention_group)

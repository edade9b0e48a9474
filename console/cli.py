"""`flask --app wsgi staff ...` (console accounts and passwords) and `demo-data`."""

from __future__ import annotations

import click
from flask import Flask

from core.config import ConfigError, get_settings, refuse_in_production
from core.db import session_scope
from services.access.staff_accounts import create_staff_account, set_staff_password
from services.people.persons import find_person_by_phone


@click.group("staff")
def staff_group() -> None:
    """Staff console accounts."""


@staff_group.command("create-account")
@click.option("--phone", required=True, help="社工在系统里登记的手机号")
@click.option("--username", required=True)
@click.password_option("--password", help="至少8位")
def create_account(phone: str, username: str, password: str) -> None:
    """Give a staff member (found by phone) a console username and password."""
    with session_scope() as s:
        person = find_person_by_phone(s, phone=phone)
        if person is None:
            raise click.ClickException("没有找到这个手机号对应的人。")
        create_staff_account(s, person_id=person.id, username=username, password=password)
    click.echo(f"已为 {username} 开通工作台账号。")


@staff_group.command("set-password")
@click.option("--username", required=True)
@click.password_option("--password", help="至少8位")
def set_password(username: str, password: str) -> None:
    """Replace a console account's password and lift any lockout."""
    with session_scope() as s:
        set_staff_password(s, username=username, password=password)
    click.echo(f"{username} 的密码已更新。")


@click.command("demo-data")
def demo_data_command() -> None:
    """Load the demo county, communities, organisations and people (idempotent)."""
    from services.demo import load_demo_data  # the demo's modules load only for this command

    try:
        refuse_in_production("演示数据（含公开密码的演示账号）", get_settings())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc

    with session_scope() as session:
        summary = load_demo_data(session)
    for name, count in summary.items():
        click.echo(f"{name}: {count}")


def register(app: Flask) -> None:
    """Attach the `staff` group and the `demo-data` command to the app's CLI."""
    app.cli.add_command(staff_group)
    app.cli.add_command(demo_data_command)

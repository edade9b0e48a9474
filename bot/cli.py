"""`flask --app wsgi wechat ...`: the official account's commands."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup

from bot.menu import menu_definition

wechat_group = AppGroup("wechat", help="公众号：菜单等。")


@wechat_group.command("sync-menu")
@click.option("--dry-run", is_flag=True, help="只打印菜单，不发给微信。")
def sync_menu(dry_run: bool) -> None:
    """Send the custom menu defined in bot/menu.py to WeChat."""
    menu = menu_definition()
    if dry_run:
        click.echo(json.dumps(menu, ensure_ascii=False, indent=2))
        return
    from core.wechat.client import get_wechat_client

    get_wechat_client().create_menu(menu)
    click.echo(f"菜单已更新：{len(menu['button'])} 个一级菜单。")


def register(app: Flask) -> None:
    """Attach the `wechat` command group."""
    app.cli.add_command(wechat_group)

"""`flask --app wsgi routing|subsidies|households ...`: what staff keep, for the operator.

The same service calls as the console's editors, audited with no staff actor (the CLI).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import click
from flask import Flask
from sqlalchemy.orm import Session

from core.db import session_scope as _session_scope
from core.errors import LinliError
from models.help_requests import CATEGORY_NAMES
from services.help_requests import routing
from services.meals import subsidy_rules
from services.meals.subsidies import rule_phrase
from services.people import households
from services.people.persons import find_person_by_phone


@contextmanager
def session_scope() -> Iterator[Session]:
    """One transaction per command; a refusal is said in one line, never a traceback."""
    try:
        with _session_scope() as session:
            yield session
    except LinliError as error:
        fields = "；".join(f"{k}：{v}" for k, v in (error.details.get("fields") or {}).items())
        raise click.ClickException(f"{error.message}{'（' + fields + '）' if fields else ''}") from None


@click.group("routing")
def routing_group() -> None:
    """Who takes which help requests (分派规则)."""


@routing_group.command("list")
def list_routes() -> None:
    """Print every routing rule."""
    with session_scope() as s:
        for rule_id, words in routing.list_routing_rules_in_words(s):
            click.echo(f"{rule_id}\t{words}")


@routing_group.command("set")
@click.option("--category", type=click.Choice(sorted(CATEGORY_NAMES)), help="不写：所有类别")
@click.option("--community", help="社区编码；不写：全县")
@click.option("--organisation", required=True, help="单位编码")
def set_route(category: str | None, community: str | None, organisation: str) -> None:
    """Create or replace the rule for a (category, community)."""
    with session_scope() as s:
        routing.change_routing_rule_by_code(s, actor=None, category=category,
                                            community_code=community,
                                            organisation_code=organisation)
    click.echo("分派规则已保存。")


@routing_group.command("delete")
@click.argument("rule_id", type=int)
def delete_route(rule_id: int) -> None:
    """Delete one rule by its id (see `routing list`)."""
    with session_scope() as s:
        routing.remove_routing_rule(s, actor=None, rule_id=rule_id)
    click.echo("分派规则已删除。")


@click.group("subsidies")
def subsidies_group() -> None:
    """Meal subsidy rules (助餐补贴标准), changed from a day on."""


@subsidies_group.command("list")
def list_subsidies() -> None:
    """Print every subsidy rule with its dates."""
    with session_scope() as s:
        for r in subsidy_rules.list_subsidy_rules_by_id(s):
            click.echo(f"{r.id}\t{r.code}\t{rule_phrase(r)}\t每餐{r.amount_fen / 100:g}元"
                       f"\t每月{r.monthly_cap_fen / 100:g}元\t{r.valid_from or '一直'}~{r.valid_to or '现在'}")


@subsidies_group.command("change")
@click.argument("rule_id", type=int)
@click.option("--amount-fen", type=int, required=True)
@click.option("--cap-fen", type=int, required=True)
@click.option("--from", "from_day", type=click.DateTime(["%Y-%m-%d"]), required=True)
def change_subsidy(rule_id: int, amount_fen: int, cap_fen: int, from_day: object) -> None:
    """New amounts from a day on; meals before keep the old ones."""
    day = from_day.date() if hasattr(from_day, "date") else date.fromisoformat(str(from_day))
    with session_scope() as s:
        new = subsidy_rules.change_subsidy_rule(s, actor=None, rule_id=rule_id,
                                                amount_fen=amount_fen, monthly_cap_fen=cap_fen,
                                                from_day=day)
        click.echo(f"已调整：{new.code} 从 {day} 起每餐 {amount_fen / 100:g} 元。")


@click.group("households")
def households_group() -> None:
    """Who lives together (户主 and members), by phone."""


def _phone(s, phone: str):  # type: ignore[no-untyped-def]
    person = find_person_by_phone(s, phone=phone)
    if person is None:
        raise click.ClickException(f"没有找到手机号 {phone} 的居民。")
    return person


@households_group.command("link")
@click.option("--head", "head_phone", required=True, help="户主（或这一户任何一人）的手机号")
@click.option("--member", "member_phone", required=True, help="要加入的家人的手机号")
def link(head_phone: str, member_phone: str) -> None:
    """Put a person into another's household."""
    with session_scope() as s:
        households.link_to_household(s, actor=None, head_id=_phone(s, head_phone).id,
                                     member_id=_phone(s, member_phone).id)
    click.echo("已加入这一户。")


@households_group.command("head")
@click.option("--phone", required=True)
def head(phone: str) -> None:
    """Name a member the head of their household."""
    with session_scope() as s:
        households.make_head(s, actor=None, person_id=_phone(s, phone).id)
    click.echo("户主已更换。")


@households_group.command("remove")
@click.option("--phone", required=True)
def remove(phone: str) -> None:
    """Take a person out of their household."""
    with session_scope() as s:
        households.remove_from_household(s, actor=None, person_id=_phone(s, phone).id)
    click.echo("已移出。")


def register(app: Flask) -> None:
    """Attach the `routing`, `subsidies` and `households` groups to the app's CLI."""
    for group in (routing_group, subsidies_group, households_group):
        app.cli.add_command(group)

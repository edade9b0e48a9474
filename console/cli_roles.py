"""`flask --app wsgi roles grant|revoke|show`: give and take people's roles."""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from sqlalchemy.orm import Session

from core.db import session_scope
from models.person import ROLES, Person
from models.region import Community, Organisation
from services.people.persons import (
    find_id_by_id_or_code,
    find_person_by_openid,
    grant_role,
    revoke_role,
)


def _person(session: Session, openid: str) -> Person:
    person = find_person_by_openid(session, openid=openid)
    if person is None:
        raise click.ClickException(f"没有找到 openid 为 {openid} 的用户。")
    return person


def _by_id_or_code(session: Session, model: Any, value: str | None, what: str) -> int | None:
    if value is None:
        return None
    found = find_id_by_id_or_code(session, model=model, value=value)
    if found is None:
        raise click.ClickException(f"没有找到{what} {value}。")
    return found


openid_option = click.option("--openid", required=True, help="公众号或小程序的 openid")
role_option = click.option("--role", required=True, type=click.Choice(ROLES))
community_option = click.option("--community", help="社区的 id 或编码")


@click.group("roles")
def roles_group() -> None:
    """Grant, revoke and show people's roles."""


@roles_group.command("grant")
@openid_option
@role_option
@community_option
@click.option("--organisation", help="机构的 id 或编码")
def grant_command(openid: str, role: str, community: str | None, organisation: str | None) -> None:
    """Give a person a role, scoped to a community or an organisation."""
    with session_scope() as s:
        person = _person(s, openid)
        community_id = _by_id_or_code(s, Community, community, "社区")
        organisation_id = _by_id_or_code(s, Organisation, organisation, "机构")
        grant_role(s, person=person, role=role, community_id=community_id,
                   organisation_id=organisation_id)
    click.echo(f"已授予 {openid} 角色 {role}。")


@roles_group.command("revoke")
@openid_option
@role_option
@community_option
def revoke_command(openid: str, role: str, community: str | None) -> None:
    """Take a role away (in one community, or everywhere when none is given)."""
    with session_scope() as s:
        person = _person(s, openid)
        community_id = _by_id_or_code(s, Community, community, "社区")
        removed = revoke_role(s, person=person, role=role, community_id=community_id)
    if not removed:
        raise click.ClickException(f"{openid} 没有这个角色。")
    click.echo(f"已收回 {openid} 的角色 {role}（{removed} 项）。")


@roles_group.command("show")
@openid_option
def show_command(openid: str) -> None:
    """List a person's roles."""
    with session_scope(readonly=True) as s:
        person = _person(s, openid)
        for r in sorted(person.roles, key=lambda r: (r.role, r.community_id or 0)):
            scope = f"社区 {r.community_id}" if r.community_id else (
                f"机构 {r.organisation_id}" if r.organisation_id else "全县")
            click.echo(f"{r.role}\t{scope}")


def register(app: Flask) -> None:
    """Attach the roles group to the app's CLI."""
    app.cli.add_command(roles_group)

"""A canteen's menu per date and meal, with dietary tags."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, lazyload

from core.errors import ValidationFailed
from models.meals import MEALS, Canteen, Menu
from models.person import Person
from services.meals.canteens import get_canteen, require_canteen_operator

DIETARY_TAGS = ("低盐", "低糖", "低脂", "软食", "清真", "素食", "流食")


def get_menu(session: Session, *, canteen_id: int, day: date, meal: str | None = None) -> list[Menu]:
    """Return a canteen's menus for a day (one meal or all), breakfast first."""
    get_canteen(session, canteen_id=canteen_id)
    stmt = select(Menu).where(Menu.canteen_id == canteen_id, Menu.day == day)
    if meal is not None:
        stmt = stmt.where(Menu.meal == meal)
    return sorted(session.scalars(stmt), key=lambda m: MEALS.index(m.meal))


def get_community_canteen_menu(
    session: Session, *, oa_openid: str, day: date, meal: str | None = None
) -> tuple[Canteen, list[Menu]] | None:
    """Return the follower's community canteen with its menus for a day, in one statement.

    The canteen is default_canteen_for's first choice (the community's open canteen with the
    lowest id), found through the follower's row without reading it; None when there is none.
    """
    community = select(Person.community_id).where(Person.oa_openid == oa_openid).scalar_subquery()
    first = (select(Canteen.id).where(Canteen.community_id == community, Canteen.active.is_(True))
             .order_by(Canteen.id).limit(1).scalar_subquery())
    served = [Menu.canteen_id == Canteen.id, Menu.day == day]
    if meal is not None:
        served.append(Menu.meal == meal)
    stmt = (select(Canteen, Menu).outerjoin(Menu, and_(*served)).where(Canteen.id == first)
            .options(lazyload(Canteen.meals)))  # a menu needs not the meals it serves and their prices
    rows = session.execute(stmt).all()
    if not rows:
        return None
    menus = sorted((m for _c, m in rows if m is not None), key=lambda m: MEALS.index(m.meal))
    return rows[0][0], menus


def upsert_menu(
    session: Session, *, canteen_id: int, day: date, meal: str, dishes: list[str], tags: list[str]
) -> Menu:
    """Write the menu of one meal on one day, replacing what was there."""
    unknown = set(tags) - set(DIETARY_TAGS)
    if unknown or meal not in MEALS or not dishes:
        raise ValidationFailed("菜单要有菜名，饮食标签只能是：" + "、".join(DIETARY_TAGS))
    menu = session.scalar(
        select(Menu).where(Menu.canteen_id == canteen_id, Menu.day == day, Menu.meal == meal)
    )
    if menu is None:
        menu = Menu(canteen_id=canteen_id, day=day, meal=meal)
        session.add(menu)
    menu.dishes, menu.tags = list(dishes), list(tags)
    session.flush()
    return menu


def set_menu(
    session: Session, *, actor: Person, canteen_id: int, day: date, meal: str,
    dishes: list[str], tags: list[str],
) -> Menu:
    """Let a canteen's operator publish the menu of one meal on one day."""
    require_canteen_operator(actor, get_canteen(session, canteen_id=canteen_id))
    return upsert_menu(session, canteen_id=canteen_id, day=day, meal=meal, dishes=dishes, tags=tags)

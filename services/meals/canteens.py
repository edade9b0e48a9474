"""Find canteens and apply their rules: opening days, meals served, cutoffs, delivery area."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from core import clock
from core.errors import NotAllowed, NotFound
from models.meals import MEALS, Canteen, CanteenMeal
from models.person import Person
from services.access.checks import require_staff_for
from services.meals.errors import CanteenClosed, OutOfDeliveryArea, PastCutoff
from services.meals.wording import day_text, meal_text, moment_text, yuan

EARTH_RADIUS_KM = 6371.0088
MAX_ID = 2**31 - 1  # ids beyond this cannot exist; SQLite would overflow on them
# Canteens are read with their meals in the same statement (the relationship alone adds one).
WITH_MEALS = joinedload(Canteen.meals)


def valid_id(value: int) -> bool:
    """Tell whether an id could name a row (guards lookups against absurd ids)."""
    return 0 < value <= MAX_ID


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the great-circle distance between two (lat, lng) points in km."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def list_canteens_near(
    session: Session, *, lat: float, lng: float, limit: int = 5
) -> list[tuple[Canteen, float]]:
    """Return the nearest open canteens with their distance in km, nearest first."""
    stmt = select(Canteen).where(Canteen.active.is_(True)).options(WITH_MEALS)
    canteens = list(session.scalars(stmt).unique())
    ranked = sorted(
        ((c, round(distance_km((lat, lng), (c.latitude, c.longitude)), 2)) for c in canteens),
        key=lambda pair: (pair[1], pair[0].id),
    )
    return ranked[:limit]


def list_canteens_in_community(session: Session, *, community_id: int) -> list[Canteen]:
    """Return the open canteens of a community."""
    if not valid_id(community_id):
        return []
    stmt = (select(Canteen).where(Canteen.community_id == community_id, Canteen.active.is_(True))
            .options(WITH_MEALS).order_by(Canteen.id))
    return list(session.scalars(stmt).unique())


def canteen_with_meals(session: Session, canteen_id: int) -> Canteen | None:
    """Return a canteen (open or not) with its meals, in one statement."""
    return session.get(Canteen, canteen_id, options=[WITH_MEALS])


def get_canteen(session: Session, *, canteen_id: int) -> Canteen:
    """Return an open canteen or raise NotFound."""
    return require_taking_orders(canteen_with_meals(session, canteen_id)
                                 if valid_id(canteen_id) else None)


def require_taking_orders(canteen: Canteen | None) -> Canteen:
    """Refuse a canteen that is gone or withdrawn, naming it and the way on."""
    if canteen is None:
        raise NotFound("没有找到这个助餐点。")
    if not canteen.active:  # withdrawn since it was shown: say which, and the way on
        raise NotFound(f"{canteen.name}暂停订餐了。可以选附近其他助餐点，回复“附近助餐点”看看。")
    return canteen


def default_canteen_for(session: Session, *, person: Person) -> Canteen | None:
    """Return the person's community canteen, else the one nearest their home."""
    if person.community_id is not None:
        local = list_canteens_in_community(session, community_id=person.community_id)
        if local:
            return local[0]
    home = person.home_lat_lng
    if home is not None:
        near = list_canteens_near(session, lat=home[0], lng=home[1], limit=1)
        if near:
            return near[0][0]
    return None


def meal_of(canteen: Canteen, meal: str) -> CanteenMeal | None:
    """Return how a canteen serves a meal, or None when it does not serve it."""
    return next((m for m in canteen.meals if m.meal == meal), None)


def served_meals(canteen: Canteen) -> list[CanteenMeal]:
    """Return the meals a canteen serves, breakfast first."""
    return sorted(canteen.meals, key=lambda m: MEALS.index(m.meal))


def cutoff_at(canteen_meal: CanteenMeal, day: date) -> datetime:
    """Return when orders (and cancellations) for a meal on a day close."""
    order_day = day - timedelta(days=canteen_meal.cutoff_days_before)
    minute = canteen_meal.cutoff_minute
    return clock.local_datetime(order_day, minute // 60, minute % 60)


def require_open(canteen: Canteen, *, day: date, meal: str) -> CanteenMeal:
    """Refuse a meal the canteen does not serve on that day."""
    served = meal_of(canteen, meal)
    if served is None:
        others = "、".join(meal_text(m.meal) for m in served_meals(canteen)) or "暂无"
        raise CanteenClosed(f"{canteen.name}不供应{meal_text(meal)}，只供应{others}。")
    if str(day.isoweekday()) not in canteen.open_weekdays:
        raise CanteenClosed(
            f"{canteen.name}{day_text(day)}不营业。可以选其他日子，或附近其他助餐点。"
        )
    return served


def require_before_cutoff(canteen_meal: CanteenMeal, *, day: date, doing: str = "预订") -> None:
    """Refuse to book or cancel once the meal's cutoff has passed, naming the cutoff."""
    closes = cutoff_at(canteen_meal, day)
    if clock.now() < closes:
        return
    what = f"{day_text(day)}{meal_text(canteen_meal.meal)}"
    if doing == "预订":
        raise PastCutoff(f"{what}要在{moment_text(closes)}前预订，已经过了。可以订下一餐，或选其他日子。")
    phone = canteen_meal.canteen.phone
    call = f"请打电话告诉助餐点：{phone}。" if phone else "请告诉助餐点。"
    raise PastCutoff(f"{what}的取消截止时间是{moment_text(closes)}，已经过了，不能取消。如不能来吃，{call}")


def require_delivery_to(canteen: Canteen, *, person: Person) -> int:
    """Refuse delivery outside the canteen's radius; return the delivery fee in fen."""
    if not canteen.delivers:
        raise OutOfDeliveryArea(f"{canteen.name}不送餐。可以到店用餐，或请家人代取。")
    home = person.home_lat_lng
    if home is None:
        raise OutOfDeliveryArea("还没有您家的位置，暂时不能送餐上门。请发送家的位置，"
                                "或等社区核对住址后再订；现在可以到店用餐。")
    km = distance_km(home, (canteen.latitude, canteen.longitude))
    if km * 1000 > canteen.delivery_radius_m:
        radius = f"{canteen.delivery_radius_m / 1000:g}公里"
        raise OutOfDeliveryArea(
            f"您家离{canteen.name}约{km:.1f}公里，超出送餐范围（{radius}）。可以到店用餐，或请家人代取。"
        )
    return canteen.delivery_fee_fen


def require_canteen_operator(actor: Person, canteen: Canteen) -> None:
    """Refuse anyone but the canteen's operator; others see NotFound."""
    if not any(
        r.role == "canteen_operator" and r.organisation_id == canteen.operator_id
        for r in actor.roles
    ) or canteen.operator_id is None:
        raise NotFound("没有找到这个助餐点。")


def require_operator_or_staff(actor: Person, canteen: Canteen) -> None:
    """Let the canteen's operator or the community's staff through."""
    try:
        require_canteen_operator(actor, canteen)
    except NotFound:
        try:
            require_staff_for(actor, canteen.community_id)
        except NotAllowed:
            raise NotFound("没有找到这个助餐点。") from None


def list_operated_canteens(session: Session, *, actor: Person) -> list[Canteen]:
    """Return the canteens the actor runs as a canteen operator."""
    orgs = {r.organisation_id for r in actor.roles if r.role == "canteen_operator"}
    orgs.discard(None)
    if not orgs:
        return []
    stmt = select(Canteen).where(Canteen.operator_id.in_(orgs), Canteen.active.is_(True))
    return list(session.scalars(stmt.order_by(Canteen.id)))


def describe_meal(canteen_meal: CanteenMeal) -> str:
    """Say a meal's price and cutoff, e.g. 午餐 8元，当天09:30前预订."""
    when = "前一天" if canteen_meal.cutoff_days_before else "当天"
    minute = canteen_meal.cutoff_minute
    return (f"{meal_text(canteen_meal.meal)} {yuan(canteen_meal.price_fen)}，"
            f"{when}{minute // 60:02d}:{minute % 60:02d}前预订")

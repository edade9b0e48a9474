"""Rewards with stock, and redemptions that never overdraw, oversell or repeat.

A redemption first claims its (person, client key) row, so a retry returns
the first answer; then it debits the points (conditional UPDATE, never below
zero) and the stock (conditional UPDATE, never below zero) in the same
transaction. Any refusal raises and the front door rolls the whole unit back.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import clock
from core.errors import IdempotencyMismatch, NotFound, ValidationFailed
from models.person import Person
from models.volunteers import Redemption, Reward
from services.messaging.notifications import enqueue_notification
from services.volunteers.errors import OutOfStock
from services.volunteers.ledger import issuer_account, post_points, volunteer_account

MAX_QUANTITY = 10


def list_rewards(session: Session) -> list[Reward]:
    """Return the rewards on offer, cheapest first."""
    return list(session.scalars(
        select(Reward).where(Reward.active.is_(True)).order_by(Reward.points_cost, Reward.id)))


def _existing(session: Session, *, person_id: int, client_key: str) -> Redemption | None:
    return session.scalars(
        select(Redemption).where(Redemption.person_id == person_id, Redemption.client_key == client_key)
        .execution_options(populate_existing=True)
    ).first()


def _replay(found: Redemption, *, reward_id: int, quantity: int) -> Redemption:
    if (found.reward_id, found.quantity) != (reward_id, quantity):
        raise IdempotencyMismatch()
    return found


def _take_stock(session: Session, *, reward: Reward, quantity: int) -> None:
    result = session.execute(
        update(Reward)
        .where(Reward.id == reward.id, Reward.stock >= quantity, Reward.active.is_(True))
        .values(stock=Reward.stock - quantity),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise OutOfStock()
    session.expire(reward, ["stock"])


def redeem_reward(
    session: Session, *, actor: Person, reward_id: int, quantity: int = 1, client_key: str
) -> Redemption:
    """Spend points on a reward; the same client key always gives the same redemption."""
    if not 1 <= quantity <= MAX_QUANTITY or not client_key:
        raise ValidationFailed(f"每次最多兑换{MAX_QUANTITY}件。")
    found = _existing(session, person_id=actor.id, client_key=client_key)
    if found is not None:
        return _replay(found, reward_id=reward_id, quantity=quantity)
    reward = session.get(Reward, reward_id)
    if reward is None or not reward.active:
        raise NotFound("没有找到这个奖品。")
    cost = reward.points_cost * quantity
    redemption = Redemption(person_id=actor.id, reward_id=reward.id, quantity=quantity, points=cost,
                            client_key=client_key, status="completed", created_at=clock.now())
    try:
        with session.begin_nested():
            session.add(redemption)
    except IntegrityError:
        # The same key committed by a concurrent request: answer as it did.
        found = _existing(session, person_id=actor.id, client_key=client_key)
        assert found is not None
        return _replay(found, reward_id=reward_id, quantity=quantity)
    account = volunteer_account(session, person_id=actor.id)
    post_points(session, kind="redemption", source=account, target=issuer_account(session),
                amount=cost, memo=f"兑换{reward.name}×{quantity}", actor_id=actor.id,
                redemption_id=redemption.id)
    _take_stock(session, reward=reward, quantity=quantity)
    enqueue_notification(session, person_id=actor.id, template="reward_redeemed",
                         text=f"您用{cost}积分兑换了{reward.name}×{quantity}，请到社区服务站领取。",
                         dedupe_key=f"redemption:{redemption.id}",
                         facts={"reward": f"{reward.name}×{quantity}", "points": str(cost),
                                "place": "社区服务站"})
    return redemption

"""The outbox dispatcher: the loop that owns the claim, send and mark transactions.

Several dispatchers may run at once (processes or threads, on any host);
each claims its own batch, so every due notification is sent once. While
an outbox hold is open (after a restore) the claim returns nothing, so every
dispatcher waits for `flask --app wsgi outbox release` (services.messaging.outbox_hold).
"""

from __future__ import annotations

import logging

from core import clock
from core.db import session_scope
from core.wechat import WeChatClient, get_wechat_client
from services.messaging import outbox
from services.messaging.channel_ladder import ChannelPlanner, deliver

logger = logging.getLogger(__name__)
# Outcomes marked per transaction: a crash resends at most this many rows, each once.
MARK_EVERY = 20


def dispatch_batch(client: WeChatClient, *, batch_size: int = 100) -> int:
    """Claim one batch, send each, mark them in small groups; return how many were claimed."""
    with session_scope() as s:
        claims = outbox.claim_due_notifications(s, now=clock.now(), limit=batch_size)
    if not claims:
        return 0
    with session_scope(readonly=True) as s:
        planner = ChannelPlanner.load(s, person_ids={c.person_id for c in claims}, now=clock.now())
    done: list[tuple[outbox.Claim, outbox.Outcome]] = []
    for index, claim in enumerate(claims):
        if clock.now() > claim.until - outbox.LEASE_SAFETY:
            _mark(done)
            _release(claims[index:])
            return len(claims)
        result = deliver(client, claim, planner.rungs(claim))
        planner.learn(claim, result)
        done.append((claim, result))
        if len(done) >= MARK_EVERY:
            done = _mark(done)
    _mark(done)
    return len(claims)


def _mark(done: list[tuple[outbox.Claim, outbox.Outcome]]) -> list[tuple[outbox.Claim, outbox.Outcome]]:
    """Record a group of outcomes in one short transaction; return an empty group."""
    if done:
        with session_scope() as s:
            outbox.mark_outcomes(s, results=done, now=clock.now())
    return []


def _release(claims: list[outbox.Claim]) -> None:
    logger.warning("claim lease running out; giving back %d notifications", len(claims))
    with session_scope() as s:
        for claim in claims:
            outbox.release_claim(s, claim=claim)


def dispatch_due_notifications(
    client: WeChatClient | None = None, *, batch_size: int = 100, max_batches: int | None = None
) -> int:
    """Send every due notification (or `max_batches` batches); return how many were handled."""
    client = client or get_wechat_client()
    total = batches = 0
    while max_batches is None or batches < max_batches:
        handled = dispatch_batch(client, batch_size=batch_size)
        if not handled:
            break
        total += handled
        batches += 1
    return total

"""The channel ladder: which WeChat channel carries each notification, best first.

A customer-service message inside the 48-hour window (while its count
allows), else a subscribe message when the person holds a credit for that
template, else a template message, else 'waiting' until the person next
writes to us. A dispatcher loads what it needs for a whole batch at once
and learns from each send (a window used up, a credit spent), so later
notifications of the same batch do not try a channel that just closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from core.wechat import WeChatClient, WeChatError, WeChatQuotaExceeded, WeChatTransientError
from core.wechat.errors import (
    NO_SUBSCRIBE_CREDIT,
    NOT_FOLLOWING,
    SERVICE_WINDOW_CLOSED,
    WeChatTokenError,
)
from models.channels import ServiceWindow, SubscribeCredit
from models.person import Person
from services.messaging.channels import SERVICE_WINDOW, SERVICE_WINDOW_LIMIT
from services.messaging.message_templates import channel_template, render_fields
from services.messaging.outbox import Claim, Outcome

Rung = tuple[str, str, Any]  # (channel, openid, what that channel needs)


@dataclass
class ChannelPlanner:
    """What a batch's people allow now: openids, window messages left, credits held."""

    openids: dict[int, str]
    window_left: dict[int, int]
    credits: dict[tuple[int, str], int]

    @classmethod
    def load(cls, session: Session, *, person_ids: set[int], now: datetime) -> ChannelPlanner:
        """Read the channel state of every person in a batch in one go."""
        people = session.execute(select(Person.id, Person.oa_openid, Person.last_interaction_at)
                                 .where(Person.id.in_(person_ids))).all()
        sent: dict[int, int] = {
            pid: n for pid, n in session.execute(select(ServiceWindow.person_id, ServiceWindow.sent)
                                                 .where(ServiceWindow.person_id.in_(person_ids)))}
        held = session.execute(
            select(SubscribeCredit.person_id, SubscribeCredit.template_id, SubscribeCredit.credits)
            .where(SubscribeCredit.person_id.in_(person_ids), SubscribeCredit.credits > 0)).all()
        window_left = {
            pid: max(0, SERVICE_WINDOW_LIMIT - sent.get(pid, 0))
            for pid, _openid, last in people
            if last is not None and clock.as_aware(last) + SERVICE_WINDOW > now
        }
        return cls(openids={pid: openid for pid, openid, _ in people if openid},
                   window_left=window_left,
                   credits={(pid, tid): n for pid, tid, n in held})

    def rungs(self, claim: Claim) -> list[Rung]:
        """List the channels open to this notification's person, best first."""
        openid = self.openids.get(claim.person_id)
        if not openid:
            return []
        layout = channel_template(claim.template)
        fields = render_fields(layout, text=claim.text, payload=claim.payload, due_at=claim.due_at)
        rungs: list[Rung] = []
        if self.window_left.get(claim.person_id, 0) > 0:
            rungs.append(("cs", openid, None))
        if layout.subscribe_id and self.credits.get((claim.person_id, layout.subscribe_id), 0):
            rungs.append(("subscribe", openid, (layout.subscribe_id, fields, layout.page)))
        if layout.template_id:
            rungs.append(("template", openid, (layout.template_id, fields, None)))
        return rungs

    def learn(self, claim: Claim, outcome: Outcome) -> None:
        """Carry what one send taught us to the rest of the batch."""
        pid = claim.person_id
        for effect, arg in outcome.effects:
            if effect == "count_window":
                self.window_left[pid] = self.window_left.get(pid, 1) - 1
            elif effect == "close_window":
                self.window_left[pid] = 0
            elif effect == "consume_credit" and arg:
                self.credits[(pid, arg)] = self.credits.get((pid, arg), 1) - 1
            elif effect == "spend_credits" and arg:
                self.credits[(pid, arg)] = 0


def deliver(client: WeChatClient, claim: Claim, rungs: list[Rung]) -> Outcome:
    """Try each open channel in turn; fall through only when WeChat says it is closed."""
    effects: list[tuple[str, str | None]] = []
    for channel, openid, arg in rungs:
        try:
            _send(client, channel, openid, claim.text, arg)
        except WeChatQuotaExceeded as exc:
            return Outcome("quota", error=_describe(exc), effects=effects)
        except (WeChatTransientError, WeChatTokenError) as exc:
            return Outcome("retry", error=_describe(exc), effects=effects)
        except WeChatError as exc:
            if channel == "cs" and exc.errcode in SERVICE_WINDOW_CLOSED:
                effects.append(("close_window", None))
                continue
            if channel == "subscribe" and exc.errcode == NO_SUBSCRIBE_CREDIT:
                effects.append(("spend_credits", arg[0]))
                continue
            if channel == "template" and exc.errcode == NOT_FOLLOWING:
                break
            return Outcome("dead", error=_describe(exc), effects=effects)
        if channel == "cs":
            effects.append(("count_window", None))
        elif channel == "subscribe":
            effects.append(("consume_credit", arg[0]))
        return Outcome("sent", channel=channel, effects=effects)
    return Outcome("waiting", error="暂无可用渠道，等对方下次发消息", effects=effects)


def _send(client: WeChatClient, channel: str, openid: str, text: str, arg: Any) -> None:
    if channel == "cs":
        client.send_custom_text(openid, text)
    elif channel == "subscribe":
        template_id, data, page = arg
        client.send_subscribe(openid, template_id, data, page=page)
    else:
        template_id, data, url = arg
        client.send_template(openid, template_id, data, url=url)


def _describe(exc: WeChatError) -> str:
    return f"{exc.api} {exc.errcode} {exc.errmsg}"[:255]

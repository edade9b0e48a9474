"""Every flow, by the intent that starts it."""

from __future__ import annotations

from bot.dialogue.flow import Flow
from bot.dialogue.flows.help import HELP
from bot.dialogue.flows.meals import BOOK, CANCEL
from bot.dialogue.flows.points import REDEEM
from bot.dialogue.flows.register import REGISTER
from bot.dialogue.flows.volunteer import CHECKIN, CHECKOUT, LOG, SIGNUP, VOLUNTEER

FLOWS: dict[str, Flow] = {
    flow.name: flow
    for flow in (BOOK, CANCEL, HELP, REGISTER, VOLUNTEER, CHECKIN, CHECKOUT, LOG, SIGNUP, REDEEM)
}

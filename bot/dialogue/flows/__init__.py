"""Every flow, by the intent that starts it; and the questions sent outside a conversation."""

from __future__ import annotations

from bot.dialogue.flow import AskedQuestion, Flow
from bot.dialogue.flows import charity_consent, confirmations, followup, proxy, ratings
from bot.dialogue.flows.help import HELP
from bot.dialogue.flows.home import HOME
from bot.dialogue.flows.meals import BOOK, CANCEL
from bot.dialogue.flows.points import REDEEM
from bot.dialogue.flows.register import REGISTER
from bot.dialogue.flows.rights import ERASE
from bot.dialogue.flows.standing import STANDING
from bot.dialogue.flows.standing_changes import END as STANDING_END
from bot.dialogue.flows.standing_changes import PAUSE as STANDING_PAUSE
from bot.dialogue.flows.standing_changes import RESUME as STANDING_RESUME
from bot.dialogue.flows.volunteer import CHECKIN, CHECKOUT, LOG, SIGNUP, VOLUNTEER

FLOWS: dict[str, Flow] = {
    flow.name: flow
    for flow in (BOOK, CANCEL, HELP, REGISTER, VOLUNTEER, CHECKIN, CHECKOUT, LOG, SIGNUP, REDEEM,
                 STANDING, STANDING_PAUSE, STANDING_RESUME, STANDING_END,
                 ratings.RATE_HELP, confirmations.CONFIRM_SERVICE, proxy.ANSWER_INVITATION,
                 charity_consent.ANSWER, charity_consent.WITHDRAW, followup.ANSWER, HOME, ERASE)
}
# Questions the bot sends by the outbox (or in a one-shot answer) and the flow that takes
# the answer when it comes, perhaps days later: the database remembers what is pending.
ASKED: tuple[AskedQuestion, ...] = (ratings.QUESTION, confirmations.QUESTION, proxy.QUESTION,
                                    charity_consent.QUESTION, followup.QUESTION)

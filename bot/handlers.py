"""Handlers for each WeChat message type and event, and the router table (`get_router`)."""

from __future__ import annotations

import logging
from functools import cache

from bot import location, texts
from bot.dialogue import emergency, main_menu
from bot.dialogue.engine import converse, converse_intent, note_timeout
from bot.dialogue.flows import home
from bot.menu import intent_for_click
from bot.router import Handler, Router
from bot.turn import Turn
from services.messaging.channels import record_subscribe_credits

logger = logging.getLogger(__name__)
MEDIA_TYPES = ("image", "video", "shortvideo", "link", "file", "music")


def on_text(turn: Turn) -> str | None:
    """Converse on what the person typed."""
    return converse(turn, turn.message.content)


def on_voice(turn: Turn) -> str | None:
    """Converse on WeChat's recognition of a voice message, or ask again."""
    if not turn.message.content.strip():
        return texts.VOICE_UNCLEAR
    return converse(turn, turn.message.content)


def on_location(turn: Turn) -> str | None:
    """Take a location as an emergency's place, or as home where asked; else list meal points."""
    message = turn.message
    if message.latitude is None or message.longitude is None:
        return texts.LOCATION_UNREADABLE
    location.remember(turn.kv, message.openid, message.latitude, message.longitude)
    place = emergency.take_location(turn, message.content, message.latitude, message.longitude)
    if place is None:
        place = home.take_location(turn, message.content, message.latitude, message.longitude)
    return place if place is not None else location.nearby_canteens_text(turn)


def on_media(turn: Turn) -> str | None:
    """Ask for words instead of pictures, videos, links and files."""
    return texts.MEDIA_NOT_READ


def on_subscribe(turn: Turn) -> str | None:
    """Welcome a new follower: what Linli can do and how to register."""
    main_menu.remember(turn)  # the welcome lists the menu: "1" next starts 订餐
    return texts.welcome(registered=bool(turn.person.name and turn.person.phone))


def on_unsubscribe(turn: Turn) -> str | None:
    """Forget the conversation of someone who left; no reply is seen."""
    turn.state.reset()
    return None


def on_click(turn: Turn) -> str | None:
    """Treat a menu tap as the intent it stands for."""
    intent = intent_for_click(turn.message.event_key)
    if intent is None:
        return main_menu.offer(turn)
    return converse_intent(turn, intent)


def on_subscribe_message(turn: Turn) -> str | None:
    """Record subscribe-message grants and sends as credits for the channel ladder."""
    if turn.message.event == "subscribe_msg_sent_event":
        return None  # the outbox spends credits when it sends; nothing to add here
    accepted = [item["TemplateId"] for item in turn.message.items
                if item.get("SubscribeStatusString") == "accept" and item.get("TemplateId")]
    if accepted:
        record_subscribe_credits(turn.session, person_id=turn.person.id, template_ids=accepted)
    return None


def on_unknown(turn: Turn) -> str | None:
    """Answer a message type Linli does not know politely."""
    if turn.message.msg_type == "event":
        return None
    return texts.MEDIA_NOT_READ


def build_router() -> Router:
    """Build the table from message type and event to handler."""
    by_type: dict[str, Handler] = {"text": on_text, "voice": on_voice, "location": on_location}
    by_type.update({kind: on_media for kind in MEDIA_TYPES})
    by_event: dict[str, Handler] = {
        "subscribe": on_subscribe,
        "unsubscribe": on_unsubscribe,
        "click": on_click,
        "subscribe_msg_popup_event": on_subscribe_message,
        "subscribe_msg_change_event": on_subscribe_message,
        "subscribe_msg_sent_event": on_subscribe_message,
    }
    return Router(by_type=by_type, by_event=by_event, fallback=on_unknown, on_timeout=note_timeout)


@cache
def get_router() -> Router:
    """Return the process's router."""
    return build_router()

"""Help requests (一门受理、协同办理): the verbs the bot, the mini-program and the scheduler call."""

from services.help_requests import followup
from services.help_requests.feedback import (
    AlreadyRated,
    rate_help_request,
    request_feedback_reminders,
)
from services.help_requests.intake import (
    request_human_agent,
    set_help_place,
    submit_help_request,
)
from services.help_requests.queries import (
    get_help_request,
    list_assigned_help_requests,
    list_my_help_requests,
    list_staff_help_requests,
)
from services.help_requests.routing import route_help_request, set_routing_rule
from services.help_requests.sla import escalate_overdue_help_requests
from services.help_requests.triage import (
    TRANSITIONS,
    Assignee,
    cancel_help_request,
    transition_help_request,
)
from services.help_requests.views import describe_for_requester, present_help_request
from services.messaging.alerts import escalate_unacknowledged_alerts

__all__ = [
    "TRANSITIONS",
    "AlreadyRated",
    "Assignee",
    "cancel_help_request",
    "describe_for_requester",
    "escalate_overdue_help_requests",
    "escalate_unacknowledged_alerts",
    "followup",
    "get_help_request",
    "list_assigned_help_requests",
    "list_my_help_requests",
    "list_staff_help_requests",
    "present_help_request",
    "rate_help_request",
    "request_feedback_reminders",
    "request_human_agent",
    "route_help_request",
    "set_help_place",
    "set_routing_rule",
    "submit_help_request",
    "transition_help_request",
]

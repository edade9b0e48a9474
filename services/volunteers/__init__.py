"""Volunteers, service records, the points ledger, rewards, leaderboard and activities.

The bot, the mini-program API and the scheduler call these verbs; each flushes
and never commits (the front door owns the transaction).
"""

from services.volunteers.activities import (
    cancel_activity,
    get_signup,
    issue_attendance_code,
    list_activities,
    post_activity,
    record_attendance,
    remind_upcoming_activities,
    sign_up_for_activity,
    update_activity,
    withdraw_from_activity,
)
from services.volunteers.leaderboard import LeaderboardRow, get_leaderboard
from services.volunteers.ledger import (
    LedgerLine,
    get_points_balance,
    get_rate,
    list_points_entries,
    mint_points_for_service,
    reconcile_ledger,
    reverse_posting,
    sum_points_balance,
)
from services.volunteers.registration import (
    get_volunteer_profile,
    register_volunteer,
    set_leaderboard_anonymity,
    verify_volunteer,
)
from services.volunteers.rewards import list_rewards, redeem_reward
from services.volunteers.service_records import (
    auto_close_forgotten_checkouts,
    check_in,
    check_out,
    get_open_service_record,
    list_my_service_records,
    log_service,
)
from services.volunteers.verification import (
    confirm_service_record,
    confirmation_prompt,
    list_pending_confirmations,
    list_records_awaiting_staff,
    nudge_unconfirmed_service_records,
    verify_service_record,
)

__all__ = [
    "LeaderboardRow", "LedgerLine", "auto_close_forgotten_checkouts", "cancel_activity", "check_in",
    "check_out", "confirm_service_record", "confirmation_prompt", "get_leaderboard",
    "get_open_service_record", "get_points_balance", "get_rate", "get_signup", "get_volunteer_profile",
    "issue_attendance_code", "list_activities", "list_my_service_records",
    "list_pending_confirmations", "list_points_entries", "list_records_awaiting_staff",
    "list_rewards", "log_service", "mint_points_for_service", "nudge_unconfirmed_service_records",
    "post_activity", "reconcile_ledger", "record_attendance", "redeem_reward", "register_volunteer",
    "remind_upcoming_activities", "reverse_posting", "set_leaderboard_anonymity",
    "sign_up_for_activity", "sum_points_balance", "update_activity", "verify_service_record",
    "verify_volunteer", "withdraw_from_activity",
]

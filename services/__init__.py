"""Every business operation: typed module-level verbs; they flush, never commit.

One package a domain; a new domain gets its own package beside these:

- `people`: who someone is, their consents, home address, family proxies, household.
- `meals`: 老年助餐 — canteens, menus, bookings, subsidies, standing orders, settlement,
  reminders, canteen coverage.
- `volunteers`: registration, service records and their verification, points, rewards,
  activities.
- `help_requests`: 求助 — intake, triage, routing and referral, SLA, feedback, follow-up.
- `assistance`: tiers and their checks (核对), assistance layers, the help catalogue, each
  household's chain of assistance, policy answers, filing with civil affairs.
- `monitoring`: warning indicators, household signals and warnings, welfare checks.
- `funds`: charity funds, their ledger and reports.
- `messaging`: notifications through the outbox and the WeChat channel that carries each;
  risk alerts for staff; the log of inbound chat messages.
- `access`: role and object checks, sign-in and tokens, the audit trail of staff reads.
- `rights`: a person's copy of their data, erasure, retention.
- `operations`: backups, clean-up, the monthly figures.
- `demo`: demo data for `make run`; `data`: rules kept as data (JSON).
"""

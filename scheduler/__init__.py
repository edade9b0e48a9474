"""The clock front door: its own process; reminders, escalations, welfare checks, the outbox.

`python -m scheduler` runs the jobs in `scheduler.jobs.JOBS` while it holds
the scheduler lease; `python -m scheduler dispatch` runs one more outbox
dispatcher, which needs no lease.
"""

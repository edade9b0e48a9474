"""Monitoring and alerts: warning indicators, household signals, welfare checks, risk alerts for staff."""

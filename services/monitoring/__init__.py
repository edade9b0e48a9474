"""Monitoring: warning indicators, household signals and warnings, welfare checks."""

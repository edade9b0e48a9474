"""Wiring shared by every front door: config, database, fast state, errors, clock."""

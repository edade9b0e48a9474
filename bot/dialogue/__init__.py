"""Conversations: a small engine and one explicit state machine per flow."""

"""Staff access: who may see or do what, sign-in and tokens, and the audit trail of staff reads."""

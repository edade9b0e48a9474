"""Running the service: backups, clean-up, replies kept for retried requests, and the monthly figures staff report."""

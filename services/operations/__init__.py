"""Running the service: backups, clean-up and the monthly figures staff report."""

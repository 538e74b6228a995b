"""Administration: staff accounts and their logins, the scheduled jobs and the mail outbox (routes.py)."""

"""Outgoing mail: the outbox table and its SMTP delivery (outbox.py, models.py), the daily reminder digests
(reminders.py)."""

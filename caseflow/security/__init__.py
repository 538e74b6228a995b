"""Logging in and staying logged in: server-side sessions, throttling, two-factor login, the security log,
HTTP hardening. Services here know nothing of requests: views pass the client's address and the time."""
from flask import current_app

from caseflow import clock


def now():
    """The time for session and login decisions: app.config["CLOCK"] when a test sets one, else the wall clock."""
    return current_app.config.get("CLOCK", clock.now)()

"""A controllable clock for session and login tests: app.config["CLOCK"] (see caseflow.security.now)."""
from datetime import datetime, timedelta

from caseflow import clock


class Clock:
    def __init__(self, start=datetime(2026, 11, 30, 9, 0, tzinfo=clock.BRUSSELS)):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += timedelta(**delta)

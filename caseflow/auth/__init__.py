"""Logging in and out (routes.py), two-factor login and enrolment (twofactor.py)."""
from caseflow.auth import twofactor  # noqa: F401  (adds its pages to the auth blueprint before it is registered)

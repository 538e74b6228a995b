"""Logging in and out, two-factor login and enrolment, the first administrator's setup (routes.py); the staff
accounts themselves are security.users."""

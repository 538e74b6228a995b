"""Administration: staff accounts (routes.py), scheduled jobs and the mail outbox (operations.py)."""
from . import operations  # noqa: F401  (adds its pages to the admin blueprint before it is registered)

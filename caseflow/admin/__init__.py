"""Administration: staff accounts (routes.py), scheduled jobs and the mail outbox (operations.py)."""
from caseflow.admin import operations, security  # noqa: F401  (add their pages to the admin blueprint before it is registered)

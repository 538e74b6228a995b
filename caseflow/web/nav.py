"""The menu's badges (emails to triage, mail that could not be delivered): one query per request, on any page.

The web packages add their own count when their blueprint is registered (intake: the emails to triage), so this
module needs to know none of them."""
from flask import g
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.mail.models import OutboxMessage

# name -> a function giving a scalar subquery that counts it
COUNTS = {
    "failed_mail": lambda: select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "failed").scalar_subquery(),
}


def add_count(name: str, subquery) -> None:
    COUNTS[name] = subquery


def counts() -> dict:
    """{"untriaged": n, "failed_mail": n}, read once per request (the menu, the dashboard and the inbox share it)."""
    if "nav_counts" not in g:
        names = sorted(COUNTS)
        row = db.session.execute(select(*(COUNTS[name]() for name in names))).one()
        g.nav_counts = {name: value or 0 for name, value in zip(names, row)}
    return g.nav_counts

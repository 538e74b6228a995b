"""The menu's badges (emails to triage, mail that could not be delivered): one query per request, on any page."""
from flask import g
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.intake.models import IntakeMessage
from caseflow.models import OutboxMessage


def counts() -> dict:
    """{"untriaged": n, "failed_mail": n}, read once per request (the menu, the dashboard and the inbox share it)."""
    if "nav_counts" not in g:
        untriaged = select(func.count(IntakeMessage.id)).where(IntakeMessage.status == "new").scalar_subquery()
        failed = select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "failed").scalar_subquery()
        row = db.session.execute(select(untriaged, failed)).one()
        g.nav_counts = {"untriaged": row[0] or 0, "failed_mail": row[1] or 0}
    return g.nav_counts

"""Making the evidence pack, and recording who downloaded it, without changing the case."""
from flask_babel import force_locale, gettext
from sqlalchemy import select

from caseflow.evidence import archive, document
from caseflow.extensions import db
from caseflow.models import AuditEvent, Case, User
from caseflow.services import moment

LOCALES = ("nl", "en")


def summary_name(case: Case, locale: str) -> str:
    with force_locale(locale):
        suffix = gettext("case-summary")
    return f"{case.reference}-{suffix}.pdf"


def summary(case: Case, *, locale: str = "nl", now=None) -> tuple[str, bytes]:
    """(file name, PDF) of the case summary, from what is stored."""
    _, now = moment(None, now)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)
                                .order_by(AuditEvent.id)).all()
    return summary_name(case, locale), document.case_summary_pdf(case, events, locale=locale, now=now)


def pack(case: Case, *, locale: str = "nl", now=None) -> tuple[str, bytes]:
    """(file name, ZIP) with the summary, every letter as sent, the packages that went out and the receipts."""
    name, data = summary(case, locale=locale, now=now)
    with force_locale(locale):
        folders = {"letters": gettext("letters"), "packages": gettext("data-packages"),
                   "receipts": gettext("bpost-receipts")}
        suffix = gettext("evidence-pack")
    zip_name = f"{case.reference}-{suffix}.zip"
    return zip_name, archive.evidence_zip(case, name, data, folders=folders)


def record_download(case: Case, *, actor: User, what: str, locale: str, now=None) -> AuditEvent:
    """Put the download in the trail. Written as a row of its own: the case (and its version) stays untouched,
    so a colleague editing the case meanwhile is not told it changed."""
    _, now = moment(None, now)
    event = AuditEvent(case_id=case.id, user_id=actor.id, action="evidence_downloaded", detail=f"{what} | {locale}",
                       created_at=now)
    db.session.add(event)
    db.session.commit()
    return event

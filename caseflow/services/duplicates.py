"""A new case that may already exist: the same form sent twice, or the same requester with a recent case."""
import re
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from caseflow.extensions import db
from caseflow.legal.rights import OPEN_STATUSES
from caseflow.models import Case
from caseflow.models.search import fold
from caseflow.services import ServiceError

RECENT_DAYS = 60  # a case closed this recently still counts: a second letter about the same request


class AlreadySaved(ServiceError):
    """The new-case form with this token was saved before (a double submit, or back and save again)."""

    def __init__(self, case: Case):
        super().__init__(_l("This form was already saved as case %(ref)s: no second case was made.",
                            ref=case.reference))
        self.case = case


def saved_with_token(token: str | None) -> Case | None:
    return db.session.scalar(select(Case).where(Case.form_token == token)) if token else None


def _words(text: str | None) -> str:
    """Folded, punctuation and spacing ignored: 'Kerkstraat 1,\\n2000  Antwerpen' == 'kerkstraat 1 2000 antwerpen'."""
    return " ".join(re.sub(r"[\W_]+", " ", fold(text)).split())


def similar_cases(*, name: str, email: str | None, address: str | None, now: datetime) -> list[tuple[Case, str]]:
    """Open cases, or cases closed in the last RECENT_DAYS days, with the same email address, or the same name and
    postal address; each with what matched."""
    email = (email or "").strip().casefold()
    name_key, address_key = _words(name), _words(address)
    matches = []
    if email:
        matches.append(func.lower(Case.requester_email) == email)
    if name_key and address_key:
        longest = max(name_key.split(), key=len)  # narrowed in SQL by one word of the name, compared whole below
        matches.append(Case.search_text.contains(longest, autoescape=True))
    if not matches:
        return []
    recent = or_(Case.status.in_(OPEN_STATUSES), Case.closed_at >= now - timedelta(days=RECENT_DAYS))
    found = []
    for case in db.session.scalars(select(Case).where(recent, or_(*matches)).order_by(Case.received_on.desc())):
        if email and (case.requester_email or "").casefold() == email:
            found.append((case, _l("same email address")))
        elif address_key and _words(case.requester_name) == name_key and _words(case.requester_address) == address_key:
            found.append((case, _l("same name and postal address")))
    return found

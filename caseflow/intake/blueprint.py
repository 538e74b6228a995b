"""The intake blueprint, for logged-in staff; once registered, the audit trail knows its words and every page the
menu's count of emails to triage."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from caseflow.intake.service import untriaged_count, untriaged_query
from caseflow.web import filters, nav

bp = Blueprint("intake", __name__)
bp.add_app_template_global(untriaged_count, "untriaged_count")

AUDIT_ACTIONS = {
    "email_received": _l("Email from the requester added to the case"),
}


@bp.record_once
def _audit_words_and_menu_count(state) -> None:
    filters.AUDIT_ACTIONS.update(AUDIT_ACTIONS)
    nav.add_count("untriaged", untriaged_query)
    filters.DETAIL_KINDS.setdefault("email_received", ("date", None))


@bp.before_request
@login_required
def require_login():
    """Emails and their attachments are for logged-in staff only."""

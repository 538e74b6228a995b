"""Download the evidence pack of a case: the summary PDF, or the ZIP with everything that went out."""
import io

from flask import Blueprint, request, send_file
from flask_login import current_user, login_required

from ..cases.routes import _get_case
from . import service

bp = Blueprint("evidence", __name__)


@bp.before_request
@login_required
def require_login():
    """Only logged-in staff."""


def _locale() -> str:
    """Dutch, unless English is asked for (?locale=en)."""
    return request.args.get("locale") if request.args.get("locale") in service.LOCALES else "nl"


@bp.route("/cases/<int:case_id>/evidence.pdf")
def summary_pdf(case_id):
    case, locale = _get_case(case_id), _locale()
    name, data = service.summary(case, locale=locale)
    service.record_download(case, actor=current_user, what="pdf", locale=locale)
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=name, as_attachment=True)


@bp.route("/cases/<int:case_id>/evidence.zip")
def evidence_zip(case_id):
    case, locale = _get_case(case_id), _locale()
    name, data = service.pack(case, locale=locale)
    service.record_download(case, actor=current_user, what="zip", locale=locale)
    return send_file(io.BytesIO(data), mimetype="application/zip", download_name=name, as_attachment=True)

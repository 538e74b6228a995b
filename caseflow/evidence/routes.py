"""Download the evidence pack of a case: the summary PDF, or the ZIP with everything that went out."""
import io

from flask import request, send_file
from flask_login import current_user

from caseflow.cases.form_view import get_case
from caseflow.evidence import service
from caseflow.evidence.blueprint import bp


def _locale() -> str:
    """Dutch, unless English is asked for (?locale=en)."""
    return request.args.get("locale") if request.args.get("locale") in service.LOCALES else "nl"


@bp.route("/cases/<int:case_id>/evidence.pdf")
def summary_pdf(case_id):
    return _download(case_id, service.summary, "pdf", "application/pdf")


@bp.route("/cases/<int:case_id>/evidence.zip")
def evidence_zip(case_id):
    return _download(case_id, service.pack, "zip", "application/zip")


def _download(case_id: int, build, what: str, mimetype: str):
    """Build the document from what is stored, record the download in the trail, send it."""
    case, locale = get_case(case_id), _locale()
    name, data = build(case, locale=locale)
    service.record_download(case, actor=current_user, what=what, locale=locale)
    return send_file(io.BytesIO(data), mimetype=mimetype, download_name=name, as_attachment=True)

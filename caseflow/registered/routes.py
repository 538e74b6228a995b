"""Proof of posting for a registered letter: the form on the letter, and its receipt."""
from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from caseflow import attachments, clock
from caseflow.cases.form_view import case_form_view, get_case, get_letter
from caseflow.registered import forms, service
from caseflow.registered.blueprint import bp


@bp.route("/cases/<int:case_id>/letters/<int:letter_id>/posting", methods=["GET", "POST"])
def record_posting(case_id, letter_id):
    letter = get_letter(case_id, letter_id)
    if letter.delivery != "registered_letter":
        abort(404)

    def defaults(case):
        return {"posted_on": letter.posted_on or clock.today(), "tracking_number": letter.tracking_number or "",
                "delivered_on": letter.delivered_on}

    def perform(case, form):
        upload = form.receipt.data
        has_file = bool(upload and getattr(upload, "filename", ""))
        service.record_posting(letter, actor=current_user, posted_on=form.posted_on.data,
                               tracking_number=form.tracking_number.data, delivered_on=form.delivered_on.data,
                               receipt=upload.stream if has_file else None,
                               receipt_name=upload.filename if has_file else None,
                               expected_version=form.version.data)
        return _("Proof of posting saved: the letter counts as received on %(date)s.",
                 date=letter.received_on.strftime("%d/%m/%Y"))

    return case_form_view(case_id, forms.PostingForm, "letter_posting.html", _l("Proof of posting"), perform,
                           defaults=defaults, context=lambda case: {"letter": letter})


@bp.route("/cases/<int:case_id>/letters/<int:letter_id>/receipt")
def receipt(case_id, letter_id):
    get_case(case_id)
    letter = get_letter(case_id, letter_id)
    return attachments.send_download(letter.receipt_path, letter.receipt_name)

"""The triage inbox and the emails kept with cases: list, read safely, download, decide; import a saved .eml."""
from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from caseflow import attachments as case_attachments
from caseflow import clock
from caseflow.cases import forms as case_forms
from caseflow.cases import saving
from caseflow.cases.form_view import staff_choices
from caseflow.extensions import db
from caseflow.intake import filetypes, forms
from caseflow.intake import service as services
from caseflow.intake.blueprint import bp
from caseflow.intake.models import IntakeAttachment, IntakeMessage
from caseflow.intake.parse import clean
from caseflow.models import Case
from caseflow.security.headers import CONTENT_SECURITY_POLICY
from caseflow.services import ServiceError, StaleCaseError, duplicates
from caseflow.web.views import apply_service_error

PER_PAGE = 50
ERRORS = {
    "unreadable": _l("This file could not be read as an email."),
    "no_sender": _l("The email has no sender (From): type the requester's details yourself."),
    "truncated": _l("The email is incomplete (cut off): parts or attachments may be missing."),
    "no_date": _l("The email has no readable date: check the date received."),
    "too_large": _l("The email is too large to read in full: only its sender, subject and date were read."),
    "too_complex": _l("The email has more parts, or deeper nesting, than Caseflow reads."),
    "unparseable": _l("The email's structure or encoding could not be read."),
    "timeout": _l("Reading the email took too long."),
    "intake_failed": _l("The email could not be taken in as read."),
}


@bp.app_template_global()
def intake_error(code):
    return ERRORS.get(code, code) if code else ""


def _message(message_id: int) -> IntakeMessage:
    return db.get_or_404(IntakeMessage, message_id)


@bp.route("/intake")
def inbox():
    show = request.args.get("show", "new")
    query = select(IntakeMessage).order_by(IntakeMessage.received_at.desc().nulls_last(), IntakeMessage.id.desc())
    if show == "new":
        query = query.where(IntakeMessage.status == "new")
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("intake/inbox.html", page=page, show=show)


@bp.route("/intake/<int:message_id>")
def show(message_id):
    message = _message(message_id)
    return render_template("intake/message.html", message=message, attach_form=forms.AttachForm(),
                           dismiss_form=forms.DismissForm())


@bp.route("/intake/<int:message_id>/original.eml")
def original(message_id):
    message = _message(message_id)
    if not message.raw_path:  # removed at the end of the retention period
        abort(404)
    return _download(services.path_of(message.raw_path), f"email-{message.id}.eml", "message/rfc822")


@bp.route("/intake/attachments/<int:attachment_id>")
def attachment(attachment_id):
    item = db.get_or_404(IntakeAttachment, attachment_id)
    if not item.stored_name:
        abort(404)
    return _download(services.path_of(item.stored_name, attachment=True), item.name, item.detected_type)


def _download(path: str, name: str, content_type: str, *, inline: bool = False):
    """A file for staff: never rendered by the browser as a page (a download, or a PDF/image scan shown as such)."""
    name = clean(name, 200) or "bijlage"  # a name with CR/LF (stored before 0017) must still download
    try:
        response = send_file(path, mimetype=content_type, download_name=name, as_attachment=not inline)
    except FileNotFoundError:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not inline:  # (a sandbox would stop Chromium's PDF viewer from showing a scan)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY + "; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/intake/import", methods=["POST"])
def import_eml():
    """A saved email uploaded on the new-case page: kept, then the new-case form opens prefilled from it."""
    form = forms.ImportForm()
    upload = form.eml.data if form.validate_on_submit() else None
    if not upload or not getattr(upload, "filename", ""):
        flash(_("Choose a saved email (.eml) to import."), "error")
        return redirect(url_for("cases.new"))
    raw = upload.read()
    parsed = services.parse(raw)  # read once, with the mailbox's limits; it never raises
    if parsed.error == "unreadable":
        flash(str(ERRORS["unreadable"]), "error")
        return redirect(url_for("cases.new"))
    try:
        message, created = services.take_in(raw, source="upload", parsed=parsed)
    except Exception as error:  # noqa: BLE001 - kept in quarantine as it came, for a person to look at
        db.session.rollback()
        message, created = services.quarantine(raw, source="upload", error=error)
    if message.quarantined and message.status == "new":
        flash(_("Caseflow could not read this email in full and keeps it in quarantine: read it as text below, "
                "then make a case of it or dismiss it."), "warning")
        return redirect(url_for("intake.show", message_id=message.id))
    if message.status != "new":
        flash(_("This email was already taken in and dealt with."), "warning")
        return redirect(url_for("intake.show", message_id=message.id))
    return redirect(url_for("intake.new_case", message_id=message.id))


def _prefill(form, message: IntakeMessage) -> None:
    form.channel.data = "email"
    form.received_on.data = message.received_on or clock.today()
    form.requester_name.data = message.from_name or (message.from_email or "").split("@")[0]
    form.requester_email.data = message.from_email
    form.rights.data = message.right_keys
    subject = _("Subject: %(subject)s", subject=message.subject) + "\n\n" if message.subject else ""
    form.request_text.data = subject + message.text
    form.assignee_id.data = str(current_user.id)


@bp.route("/intake/<int:message_id>/case", methods=["GET", "POST"])
def new_case(message_id):
    """The new-case form, prefilled from the email; saving makes the case and drafts the acknowledgement.

    Saved like the register's new-case form (cases.saving): the same fields, the same warning about cases that may
    be the same request, and the same form saved twice makes one case.
    """
    message = _message(message_id)
    if message.status != "new":
        earlier = duplicates.saved_with_token(request.form.get("form_token")) if request.method == "POST" else None
        if earlier is not None:  # this very form made the case a moment ago (a double submit, or back and save)
            return saving.to_saved_case(earlier)
        flash(_("This email has already been dealt with."), "warning")
        return redirect(url_for("intake.show", message_id=message.id))
    form = case_forms.CaseForm()
    form.assignee_id.choices = staff_choices(_l("Nobody yet"))
    similar = []
    if request.method == "GET":
        _prefill(form, message)
        saving.new_token(form)
    if form.validate_on_submit():
        outcome = saving.save(form, partial(services.open_case_from, message,
                                            confirm_claimed_date=form.confirm_claimed_date.data))
        if outcome.response is not None:
            return outcome.response
        if outcome.case is not None:
            case = outcome.case
            flash(_("Case %(ref)s has been logged from the email. Deadline: %(deadline)s. Check the acknowledgement "
                    "and send it.", ref=case.reference,
                    deadline=current_app.jinja_env.filters["long_date"](case.deadline)), "success")
            locale = "en" if message.language == "en" else "nl"
            return redirect(url_for("letters.compose_letter", case_id=case.id, kind="acknowledgement", locale=locale))
        similar = outcome.similar
    status = 200 if request.method == "GET" or not (form.errors or similar) else 422
    return render_template("cases/new.html", form=form, intake_message=message, similar=similar), status


@bp.route("/intake/<int:message_id>/attach", methods=["POST"])
def attach(message_id):
    message = _message(message_id)
    form = forms.AttachForm()
    if form.validate_on_submit():
        try:
            case = services.attach(message, reference=form.reference.data, actor=current_user)
        except ServiceError as error:
            db.session.rollback()
            apply_service_error(form, error)
        else:
            flash(_("The email has been added to case %(ref)s.", ref=case.reference), "success")
            return redirect(url_for("cases.show", case_id=case.id) + "#emails")
    return render_template("intake/message.html", message=message, attach_form=form,
                           dismiss_form=forms.DismissForm()), 422


@bp.route("/intake/<int:message_id>/dismiss", methods=["POST"])
def dismiss(message_id):
    message = _message(message_id)
    form = forms.DismissForm()
    if form.validate_on_submit():
        try:
            services.dismiss(message, reason=form.reason.data, actor=current_user)
        except ServiceError as error:
            db.session.rollback()
            apply_service_error(form, error)
        else:
            flash(_("The email has been dismissed as not a GDPR request."), "success")
            return redirect(url_for("intake.inbox"))
    return render_template("intake/message.html", message=message, attach_form=forms.AttachForm(),
                           dismiss_form=form), 422


@bp.route("/cases/<int:case_id>/emails/<int:message_id>/answer-received", methods=["POST"])
def answer_received(case_id, message_id):
    """One click: the requester's email answers the request for identity or clarification; the clock runs again."""
    case, message = db.get_or_404(Case, case_id), _message(message_id)
    try:
        services.answer_received(case, message, actor=current_user, expected_version=request.form.get("version"))
    except StaleCaseError as error:
        flash(str(error.message), "error")
    except ServiceError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        flash(_("Answer received on %(date)s recorded; the clock runs again.",
                date=current_app.jinja_env.filters["long_date"](message.received_on)), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/cases/<int:case_id>/scan")
def view_scan(case_id):
    """The case's scan (a registered letter) shown in the browser when it is a PDF or an image, else downloaded."""
    case = db.get_or_404(Case, case_id)
    if not case.attachment_path:
        abort(404)
    path = case_attachments.path_of(case.attachment_path)
    try:
        with open(path, "rb") as fh:
            content_type, _ext = filetypes.sniff(fh.read(8192))
    except FileNotFoundError:
        abort(404)
    inline = content_type in filetypes.VIEWABLE
    return _download(path, case.attachment_name or "scan", content_type, inline=inline)


@bp.app_template_global()
def scan_viewable(case) -> bool:
    if not case.attachment_path:
        return False
    try:
        with open(case_attachments.path_of(case.attachment_path), "rb") as fh:
            return filetypes.sniff(fh.read(8192))[0] in filetypes.VIEWABLE
    except OSError:
        return False


@bp.app_template_global()
def intake_waiting_answers(case):
    return services.waiting_answers(case)


@bp.app_template_global()
def intake_answer_needs_method(case, message):
    return services.answer_needs_method(case, message)


@bp.app_template_global()
def intake_case_named(message):
    """The case an email in the inbox names, when it exists (shown with the warning that it did not join it)."""
    return services.case_named(message)


@bp.app_template_global()
def intake_raw_text(message):
    return services.raw_text(message)

"""Letters to the requester (compose, preview, edit, send, print) and the access/portability data package."""
import io
import os

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from caseflow import clock
from caseflow.cases.form_view import case_form_view, get_case, get_letter
from caseflow.cases.forms import VersionedForm
from caseflow.legal.rights import LETTER_KINDS, PASSPHRASE_CHANNELS
from caseflow.letters import drafting as letters
from caseflow.letters import forms, packages, pdf
from caseflow.letters import service as correspondence
from caseflow.letters.blueprint import bp
from caseflow.services import ServiceError, StaleCaseError, resolution


@bp.route("/cases/<int:case_id>/letters/new", methods=["GET", "POST"])
def compose_letter(case_id):
    """Preview the letter drafted from the case, let staff edit it, then send it (email) or keep it (print)."""
    kind = request.args.get("kind", "answer")
    locale = request.args.get("locale") or "nl"  # the requester's language: Dutch unless staff choose English
    if kind not in letters.KINDS or locale not in letters.LOCALES:
        abort(404)

    def defaults(case):
        draft = correspondence.draft(case, kind, locale=locale, sender_name=current_user.name, today=clock.today())
        return {"subject": draft.subject, "body": draft.body,
                "attach_package": kind == "answer" and bool(case.package_files)}

    def prepare(form, case):
        if correspondence.delivery_for(case) == "registered_letter":  # nothing is sent: it is kept, to be printed
            form.submit.label.text = _("Save for printing")

    def perform(case, form):
        letter = correspondence.send(case, actor=current_user, kind=kind, locale=locale, subject=form.subject.data,
                                     body=form.body.data, attach_package=form.attach_package.data,
                                     expected_version=form.version.data, expected_decisions=form.decisions.data,
                                     passphrase_channel=form.passphrase_channel.data or None)
        if letter.passphrase:  # shown this once, never stored: the staff member passes it on by the chosen way
            flash(_("Passphrase of the encrypted data package: %(passphrase)s. How it reaches the requester: "
                    "%(channel)s. Pass it on now: it is shown only this once and Caseflow does not keep it.",
                    passphrase=letter.passphrase, channel=PASSPHRASE_CHANNELS[letter.passphrase_channel]),
                  "passphrase")
        if letter.delivery == "email":
            message = _("The email to %(to)s is in the outbox and goes out within a minute.", to=letter.recipient)
        else:
            message = _("The letter has been saved. Print it and send it by registered mail today.")
        return message, url_for("letters.show_letter", case_id=case.id, letter_id=letter.id)

    def context(case):
        return {"kind": kind, "locale": locale, "kind_label": LETTER_KINDS[kind],
                "delivery": correspondence.delivery_for(case),
                "problems": correspondence.problems(case, kind, today=clock.today())}

    def stamp(form, case):  # the case's version, and the decisions' (a decision does not bump the case's)
        form.version.data = case.version
        form.decisions.data = resolution.decisions_stamp(case)

    return case_form_view(case_id, forms.LetterForm, "letter_compose.html", _l("Letter to the requester"), perform,
                           prepare=prepare, defaults=defaults, context=context, stamp=stamp)


@bp.route("/cases/<int:case_id>/letters/<int:letter_id>")
def show_letter(case_id, letter_id):
    letter = get_letter(case_id, letter_id)
    return render_template("cases/letter.html", case=get_case(case_id), letter=letter,
                           package_files=packages.files_in(letter) if letter.package_path else [])


@bp.route("/cases/<int:case_id>/letters/<int:letter_id>.pdf")
def letter_pdf(case_id, letter_id):
    """The letter as it was sent (its own recipient, date and text), to print."""
    case, letter = get_case(case_id), get_letter(case_id, letter_id)
    data = pdf.sent_letter_pdf(letter, reference=case.reference)
    return send_file(io.BytesIO(data), mimetype="application/pdf",
                     download_name=f"{case.reference}-{letter.kind}-{letter.id}.pdf")


@bp.route("/cases/<int:case_id>/letters/<int:letter_id>/package.zip")
def letter_package(case_id, letter_id):
    """The exact data package that went with this letter, byte for byte: encrypted as it was emailed, or plain as
    handed over with a registered letter. Its files are listed from what Caseflow recorded, not read from the ZIP."""
    case, letter = get_case(case_id), get_letter(case_id, letter_id)
    if not letter.package_path:
        abort(404)
    path = os.path.join(current_app.instance_path, letter.package_path)
    if not os.path.isfile(path):
        abort(404)
    packages.record_download(case, actor=current_user, files=packages.files_in(letter), source=letter.package_name)
    return send_file(path, mimetype="application/zip", download_name=letter.package_name, as_attachment=True)


@bp.route("/cases/<int:case_id>/package", methods=["POST"])
def upload_package_files(case_id):
    case = get_case(case_id)
    form = forms.PackageForm()
    if form.validate_on_submit():
        try:
            added = packages.add_files(case, [(f.filename, f.stream) for f in form.files.data or []
                                              if getattr(f, "filename", "")], actor=current_user)
        except ServiceError as error:
            flash(str(error.message), "error")
        else:
            flash(ngettext("%(num)d file added to the data package.", "%(num)d files added to the data package.",
                           len(added)), "success")
            for record in added:
                if record.same_as:
                    flash(_("%(name)s has the same content (SHA-256) as %(other)s, already in the package: remove "
                            "one of them unless both are meant to be there.", name=record.display_name,
                            other=record.same_as), "warning")
    return redirect(url_for("cases.show", case_id=case.id) + "#package")


@bp.route("/cases/<int:case_id>/package/<int:file_id>/remove", methods=["POST"])
def remove_package_file(case_id, file_id):
    """Take a wrongly uploaded file out of the data package (before it goes out with an answer)."""
    case = get_case(case_id)
    form = VersionedForm()
    if form.validate_on_submit():
        try:
            removed = packages.remove_file(case, file_id, actor=current_user, expected_version=form.version.data)
        except StaleCaseError:
            flash(_("Someone else changed this case in the meantime. Check the data package and try again."), "error")
        except ServiceError as error:
            flash(str(error.message), "error")
        else:
            flash(_("%(name)s has been removed from the data package.", name=removed.display_name), "success")
    return redirect(url_for("cases.show", case_id=case.id) + "#package")


@bp.route("/cases/<int:case_id>/package.zip")
def download_package(case_id):
    case = get_case(case_id)
    try:
        locale = request.args.get("locale") if request.args.get("locale") in letters.LOCALES else "nl"
        name, data = packages.build(case, locale=locale)  # for the requester: Dutch unless asked otherwise
    except ServiceError as error:
        flash(str(error.message), "error")
        return redirect(url_for("cases.show", case_id=case.id))
    packages.record_download(case, actor=current_user)
    return send_file(io.BytesIO(data), mimetype="application/zip", download_name=name, as_attachment=True)

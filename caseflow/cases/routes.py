"""The case register: list, log a new case, the case page and the forms that work a case."""

from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.validators import DataRequired

from caseflow import attachments, clock
from caseflow.audit.verify import case_trail
from caseflow.cases import forms, rows, saving
from caseflow.cases.blueprint import bp
from caseflow.cases.form_view import case_form_view, get_case, staff_choices
from caseflow.extensions import db
from caseflow.legal import checklists
from caseflow.legal.rights import REFUSAL_CODES_FOR
from caseflow.models import Case, CaseRight, Letter
from caseflow.services import ServiceError, closing, resolution
from caseflow.services import cases as case_service
from caseflow.services import export as export_service
from caseflow.services.register import (
    CLOSED_MATCHES_CAP,
    Filters,
    assignee_choices,
    count_closed_matches,
    page_number,
    page_of,
)
from caseflow.web.validators import max_length


def _register_view():
    """The register's filter form and the Filters it asks for, from the URL (so a view is bookmarkable)."""
    form = forms.FilterForm(request.args)
    form.translate_choices(str(get_locale()))
    form.assignee.choices = [("", _l("Everyone")), ("none", _l("Unassigned"))] + [
        (str(u.id), rows.staff_label(u)) for u in assignee_choices()
    ]
    return form, Filters.of(**{name: field.data for name, field in form._fields.items()})


@bp.route("/cases")
def index():
    form, filters = _register_view()
    page = page_of(filters, page_number(request.args.get("page")), current_app.config["CASES_PER_PAGE"])
    closed_matches = count_closed_matches(filters) if filters.status == "open" else 0
    shown = rows.rows(page.items, clock.today(), current_app.config["WARNING_DAYS"])
    return render_template("cases/index.html", form=form, page=page, rows=shown, filters=filters,
                           closed_matches=closed_matches, closed_cap=CLOSED_MATCHES_CAP)


@bp.route("/cases/export.<any(csv, json):fmt>")
def export(fmt):
    """The register of the cases the current filters show, for the authority (GDPR Art. 5(2)), streamed."""
    _, filters = _register_view()
    with_requester = request.args.get("with_requester") in ("y", "1", "on", "true")
    found = export_service.rows(filters, with_requester=with_requester, today=clock.today())
    body = export_service.csv_lines(found, with_requester) if fmt == "csv" else export_service.json_chunks(found)
    name = f"caseflow-register-{clock.today().isoformat()}.{fmt}"
    mimetype = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return Response(stream_with_context(body), mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/cases/new", methods=["GET", "POST"])
def new():
    form = forms.CaseForm()
    form.assignee_id.choices = staff_choices(_l("Nobody yet"))
    similar = []
    if request.method == "GET":
        form.received_on.data = clock.today()
        form.assignee_id.data = str(current_user.id)
        saving.new_token(form)
    if form.validate_on_submit():
        outcome = saving.save(form, case_service.open_case)
        if outcome.response is not None:
            return outcome.response
        if outcome.case is not None:
            flash(_("Case %(ref)s has been logged. Deadline: %(deadline)s.", ref=outcome.case.reference,
                    deadline=current_app.jinja_env.filters["long_date"](outcome.case.deadline)), "success")
            return redirect(url_for("cases.show", case_id=outcome.case.id))
        similar = outcome.similar  # shown above the form, with links; saving again with the box ticked goes on
    status = 200 if request.method == "GET" or not (form.errors or similar) else 422
    return render_template("cases/new.html", form=form, similar=similar), status


@bp.route("/cases/<int:case_id>")
def show(case_id):
    # what the page shows, in one query per relation whatever the number of rights or letters
    case = db.get_or_404(Case, case_id, options=[selectinload(Case.rights).selectinload(CaseRight.actions),
                                                 selectinload(Case.letters).selectinload(Letter.outbox_message)])
    return render_template("cases/show.html", case=case, chain_breaks=case_trail(db.session, case))


@bp.route("/cases/<int:case_id>/attachment")
def attachment(case_id):
    case = get_case(case_id)
    return attachments.send_download(case.attachment_path, case.attachment_name)


@bp.route("/cases/<int:case_id>/identity/request", methods=["GET", "POST"])
def request_identity(case_id):
    clarifying = get_case(case_id).identity_verified_on is not None  # nothing to prove: a question about the request

    def perform(case, form):
        case_service.request_identity(case, actor=current_user, asked_on=form.asked_on.data, note=form.note.data,
                                      check=None if clarifying else form.check.data, reason=form.reason.data,
                                      expected_version=form.version.data)
        return (_("Proof of identity requested. The deadline is suspended until the answer arrives. "
                  "Check and send the letter below."),
                url_for("letters.compose_letter", case_id=case.id, kind="identity_request"))

    def defaults(case):
        return {"asked_on": clock.today(), "check": case.identity_check or "knowledge",
                "reason": case.identity_check_reason or ""}

    return case_form_view(case_id, forms.IdentityRequestForm, "identity_request.html",
                           _l("Ask for proof of identity"), perform, defaults=defaults,
                           context=lambda c: {"clarifying": clarifying})


@bp.route("/cases/<int:case_id>/identity/verify", methods=["GET", "POST"])
def verify_identity(case_id):
    clarifying = get_case(case_id).identity_verified_on is not None  # identity known: the answer is a clarification

    def prepare(form, case):
        if clarifying:
            form.method.label.text = _("What did the requester clarify?")
            form.method.description = _("E.g. \u201cthe request is about the account with customer number K-1042\u201d")
            form.method.validators = [DataRequired(_("Say what the requester clarified.")), max_length(1000)]

    def perform(case, form):
        case_service.record_identity(case, actor=current_user, method=form.method.data,
                                     check=None if clarifying else (form.check.data or ""), reason=form.reason.data,
                                     copy_destroyed=form.copy_destroyed.data, received_on=form.received_on.data,
                                     expected_version=form.version.data)
        return _("Clarification recorded; the clock runs again.") if clarifying else _("Identity recorded as verified.")

    def defaults(case):
        # the lightest step that may be enough: the method asked for; for an email request the account's address,
        # unless Caseflow took the email in and its sender was not authenticated: then a reply from that address
        # (a case typed in by staff has no such record: they saw the email themselves)
        email = case.channel == "email" and case.requester_email
        suggested = case.identity_check or (None if not email else
                                            "knowledge" if case.sender_authenticated is False else "account")
        return {"received_on": _answer_day(case), "check": suggested, "reason": case.identity_check_reason or ""}

    title = _l("Record the clarification") if clarifying else _l("Record proof of identity")
    return case_form_view(case_id, forms.IdentityVerifyForm, "identity_verify.html", title, perform,
                           prepare=prepare, defaults=defaults, context=lambda c: {"clarifying": clarifying})


def _answer_day(case):
    """The day the answer arrived: today, or the day of the email it came in (?received_on=, from the case page)."""
    try:
        day = date.fromisoformat(request.args.get("received_on", ""))
    except ValueError:
        return clock.today()
    return day if case.received_on <= day <= clock.today() else clock.today()


@bp.route("/cases/<int:case_id>/extend", methods=["GET", "POST"])
def extend(case_id):
    def perform(case, form):
        case_service.extend(case, actor=current_user, reason=form.reason.data, expected_version=form.version.data)
        return (_("Deadline extended by two months. Tell the requester before the original deadline: "
                  "check and send the notice below."),
                url_for("letters.compose_letter", case_id=case.id, kind="extension_notice"))

    return case_form_view(case_id, forms.ExtendForm, "extend.html", _l("Extend the deadline"), perform)


def _prepare_action(form, case):
    form.case_right_id.choices = [(str(r.id), str(forms.RIGHTS[r.right][0])) for r in case.rights]


@bp.route("/cases/<int:case_id>/actions/new", methods=["GET", "POST"])
def record_action(case_id):
    """A free action, or a checklist line ticked (?item=KEY) or marked not applicable (&na=1)."""
    def perform(case, form):
        not_applicable = form.not_applicable.data == "1"
        resolution.record_action(case, form.case_right_id.data, actor=current_user, system=form.system.data,
                                   description=form.description.data, note=form.note.data,
                                   performed_on=form.performed_on.data, checklist_item=form.checklist_item.data or None,
                                   not_applicable=not_applicable, expected_version=form.version.data)
        return _("Checklist item marked not applicable.") if not_applicable else _("Action recorded.")

    def defaults(case):
        values = {"performed_on": clock.today()}
        right = next((r for r in case.rights if str(r.id) == request.args.get("right")), None)
        if right:
            values["case_right_id"] = str(right.id)
            item = checklists.item(right.right, request.args.get("item", ""))
            if item:
                values.update(checklist_item=item.key, system=item.system, description=item.label(get_locale()),
                              not_applicable="1" if request.args.get("na") else "")
        return values

    return case_form_view(case_id, forms.ActionForm, "action.html", _l("Record an action"), perform,
                           prepare=_prepare_action, defaults=defaults)


@bp.route("/cases/<int:case_id>/rights/<int:right_id>/items/<item_key>", methods=["POST"])
def tick_item(case_id, right_id, item_key):
    """One checklist line ticked (do=tick) or marked not applicable (do=na) on the case page, with an optional note.

    Not tied to the case's version: a colleague working on another line at the same time is no conflict.
    """
    case = get_case(case_id)
    if not any(r.id == right_id for r in case.rights):
        abort(404)
    not_applicable = request.form.get("do") == "na"
    note = request.form.get("note", "")[:5000]
    try:
        resolution.tick(case, right_id, item_key, actor=current_user, not_applicable=not_applicable, note=note)
    except ServiceError as error:
        db.session.rollback()
        case = get_case(case_id)
        right = next(r for r in case.rights if r.id == right_id)
        key = right.right
        if not case.is_open or any(a.checklist_item == item_key for a in right.actions):
            # closed meanwhile, or a colleague was first (the line shows who): no form left to show the error at
            flash(error.message, "error")
            return redirect(url_for("cases.show", case_id=case.id, _anchor=f"item-{key}-{item_key}"))
        return render_template("cases/show.html", case=case,
                               tick_error={"line": f"{key}-{item_key}", "message": error.message, "note": note}), 422
    flash(_("Checklist item marked not applicable.") if not_applicable else _("Checklist item ticked."), "success")
    key = next(r.right for r in case.rights if r.id == right_id)
    return redirect(url_for("cases.show", case_id=case.id, _anchor=f"item-{key}-{item_key}"))


@bp.route("/cases/<int:case_id>/close", methods=["GET", "POST"])
def close(case_id):
    def perform(case, form):
        case_service.close(case, actor=current_user, status=form.status.data, note=form.note.data,
                           answer_sent_on=form.answer_sent_on.data, expected_version=form.version.data)
        return _("The case has been closed.")

    return case_form_view(case_id, forms.CloseForm, "close.html", _l("Close the case"), perform,
                           defaults=lambda c: {"answer_sent_on": c.answer_sent_on})


@bp.route("/cases/<int:case_id>/close-on-delivery", methods=["POST"])
def close_on_delivery(case_id):
    """Close as resolved (or refused) as soon as the answer waiting in the outbox is delivered."""
    case = get_case(case_id)
    form = forms.VersionedForm()
    if form.validate_on_submit():
        try:
            closing.close_when_delivered(case, actor=current_user, expected_version=form.version.data)
        except ServiceError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            flash(_("The case will be closed as soon as the answer has been delivered."), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/cases/<int:case_id>/reopen", methods=["GET", "POST"])
def reopen(case_id):
    if not current_user.is_admin:
        abort(403)

    def perform(case, form):
        closing.reopen(case, actor=current_user, reason=form.reason.data, expected_version=form.version.data)
        return _("The case has been reopened. The deadline has not changed.")

    return case_form_view(case_id, forms.ReopenForm, "reopen.html", _l("Reopen the case"), perform,
                           closed_case=True)


@bp.route("/cases/<int:case_id>/requester", methods=["GET", "POST"])
def edit_requester(case_id):
    fields = case_service.REQUESTER_FIELDS

    def perform(case, form):
        case_service.update_requester(case, actor=current_user, expected_version=form.version.data,
                                      **{key: getattr(form, key).data for key in fields})
        return _("The requester's details have been saved.")

    return case_form_view(case_id, forms.RequesterForm, "requester.html", _l("Correct the requester's details"),
                           perform, defaults=lambda c: {key: getattr(c, key) for key in fields})


@bp.route("/cases/<int:case_id>/assign", methods=["GET", "POST"])
def assign(case_id):
    def prepare(form, case):
        form.assignee_id.choices = staff_choices(_l("Nobody"), current=case.assignee)

    def perform(case, form):
        before = case.assignee_id
        case_service.assign(case, actor=current_user, assignee_id=form.assignee_id.data or None,
                            expected_version=form.version.data)
        if case.assignee_id == before:
            return _("Nothing changed: the case was already assigned that way.")
        return _("The case has been reassigned.")

    return case_form_view(case_id, forms.AssignForm, "assign.html", _l("Reassign"), perform, prepare=prepare,
                           defaults=lambda c: {"assignee_id": str(c.assignee_id or "")})


def _decision_events(case, right_key: str):
    """The latest saves of this one decision (newest first): what the colleague decided, whatever else happened."""
    saved = [e for e in case.events if e.action == "outcome_set" and (e.detail or "").split(" | ")[0] == right_key]
    return list(reversed(saved[-3:]))


@bp.route("/cases/<int:case_id>/rights/<int:right_id>/outcome", methods=["GET", "POST"])
def set_outcome(case_id, right_id):
    case = get_case(case_id)
    case_right = next((r for r in case.rights if r.id == right_id), None)
    if case_right is None:
        abort(404)

    def perform(case, form):
        resolution.set_outcome(case, right_id, actor=current_user, outcome=form.outcome.data,
                               refusal_code=form.refusal_code.data or None, reason=form.reason.data,
                               expected_right_version=form.version.data)
        return _("Outcome saved.")

    def defaults(case):
        return {"outcome": case_right.outcome, "refusal_code": case_right.refusal_code or "",
                "reason": case_right.outcome_reason or ""}

    def prepare(form, case):
        form.refusal_code.choices = [("", "")] + [(code, forms.REFUSAL_CODES[code])
                                                  for code in REFUSAL_CODES_FOR[case_right.right]]

    def stamp(form, case):  # the decision's own version, not the case's
        form.version.data = case_right.version

    title = _l("Outcome: %(right)s", right=forms.RIGHTS[case_right.right][0])
    return case_form_view(case_id, forms.OutcomeForm, "outcome.html", title, perform, prepare=prepare,
                           defaults=defaults, stamp=stamp, changes=lambda c: _decision_events(c, case_right.right))

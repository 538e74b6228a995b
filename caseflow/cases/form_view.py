"""The shared flow of the case's form pages (GET shows, POST validates, calls one service, flashes, redirects), and
the lookups every case page starts with. Used by the blueprints that add pages to a case (letters, registered
mail, evidence, intake)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from caseflow.cases import rows
from caseflow.extensions import db
from caseflow.models import Case, Letter
from caseflow.security.users import active_staff
from caseflow.services import ServiceError, StaleCaseError
from caseflow.web.views import apply_service_error


def staff_choices(blank, current=None):
    """Active staff to choose from; a deactivated current assignee stays shown, marked, instead of becoming blank."""
    staff = active_staff()
    if current is not None and not current.active:
        staff.append(current)
    return [("", blank)] + [(str(u.id), rows.staff_label(u)) for u in staff]


def get_case(case_id: int) -> Case:
    """The case, or a 404."""
    return db.get_or_404(Case, case_id)


def get_letter(case_id, letter_id) -> Letter:
    """The letter, if it belongs to the case (a 404 otherwise)."""
    letter = db.get_or_404(Letter, letter_id)
    if letter.case_id != case_id:
        abort(404)
    return letter


def stamp_case_version(form, case):
    form.version.data = case.version


def latest_events(case):
    return list(reversed(case.events[-5:]))


def case_form_view(case_id, form_class, template, title, perform, prepare=None, defaults=None, context=None,
                    closed_case=False, stamp=stamp_case_version, changes=latest_events):
    """GET shows the form; POST validates, calls one service function, flashes and redirects.

    `perform` returns the message to flash, or (message, where to go next). On a validation or service
    error the form is shown again with everything typed kept. `stamp(form, case)` puts the version(s) the form is
    based on in its hidden fields; after a concurrent change `changes(case)` are the events shown above the form.
    """
    case = get_case(case_id)
    form = form_class()
    changed = []  # after a concurrent change: the latest events of the case, shown above the form
    if prepare:
        prepare(form, case)
    if request.method == "GET":
        stamp(form, case)
        for name, value in (defaults(case) if defaults else {}).items():
            getattr(form, name).data = value
    elif case.is_open == closed_case:
        flash(_("This case is open already.") if closed_case else _("This case is closed; it can no longer be changed."),
              "error")
        return redirect(url_for("cases.show", case_id=case.id))
    if form.validate_on_submit():
        try:
            message = perform(case, form)
        except StaleCaseError as error:
            db.session.expire_all()
            case = get_case(case_id)
            stamp(form, case)  # a second click saves the user's input over the newer state...
            flash(str(error.message), "error")
            changed = changes(case)  # ...so first show what the colleague changed
        except ServiceError as error:
            db.session.rollback()
            apply_service_error(form, error)
        else:
            message, target = message if isinstance(message, tuple) else (message, None)
            flash(message, "success")
            return redirect(target or url_for("cases.show", case_id=case.id))
    status = 200 if request.method == "GET" else 422
    extra = context(case) if context else {}
    return render_template(f"cases/{template}", case=case, form=form, title=title, changed=changed, **extra), status

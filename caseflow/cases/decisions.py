"""A right's decision (outcome): its own optimistic lock, so colleagues deciding different rights of one case at
the same time both succeed; only two changes to the same decision conflict."""
from flask import abort
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from caseflow.rights import REFUSAL_CODES_FOR
from caseflow.services import resolution
from caseflow.cases import forms
from caseflow.cases.routes import _case_form_view, _get_case, bp


def _decision_events(case, right_key: str):
    """The latest saves of this one decision (newest first): what the colleague decided, whatever else happened."""
    saved = [e for e in case.events if e.action == "outcome_set" and (e.detail or "").split(" | ")[0] == right_key]
    return list(reversed(saved[-3:]))


@bp.route("/cases/<int:case_id>/rights/<int:right_id>/outcome", methods=["GET", "POST"])
def set_outcome(case_id, right_id):
    case = _get_case(case_id)
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
    return _case_form_view(case_id, forms.OutcomeForm, "outcome.html", title, perform, prepare=prepare,
                           defaults=defaults, stamp=stamp, changes=lambda c: _decision_events(c, case_right.right))

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from caseflow import clock
from caseflow.legal.rights import (
    CHANNELS,
    CLOSE_STATUSES,
    IDENTITY_CHECKS,
    OUTCOMES,
    REFUSAL_CODES,
    RIGHTS,
    SALUTATIONS,
    STATUSES,
    SYSTEMS,
    right_label,
)
from caseflow.web.validators import max_length

DATE_REQUIRED = _l("Enter a valid date.")


def not_in_future(message=_l("The date cannot be in the future.")):
    """A date field's check, so a future date is flagged together with the form's other errors."""
    def check(form, field):
        if field.data and field.data > clock.today():
            raise ValidationError(str(message))
    return check


def choices(mapping, blank=None):
    items = [(key, label) for key, label in mapping.items()]
    return ([("", blank)] if blank is not None else []) + items


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _reachable(form) -> bool:
    """The requester needs an email address or a postal address: else no answer can reach them."""
    if form.requester_email.data or (form.requester_address.data or "").strip():
        return True
    form.requester_email.errors = list(form.requester_email.errors) + [
        str(_l("Give the requester's email address or postal address."))]
    return False


def one_line(form, field):
    """A subject is one line: a line break would break the email's headers."""
    if field.data and any(ch in field.data for ch in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
        raise ValidationError(str(_l("The subject must be a single line.")))


class VersionedForm(FlaskForm):
    """A form that changes a case carries the version it was based on (no silent overwrites)."""

    # never None: a form without its version is stale. Hidden fields get an empty label: a field without one has
    # WTForms translate its name, which loads WTForms' own catalogue from disk on every request
    version = HiddenField("", filters=[lambda v: v or ""])


class CaseForm(FlaskForm):
    channel = RadioField(_l("Received by"), choices=choices(CHANNELS), validators=[InputRequired(_l("Choose how the request arrived."))])
    received_on = DateField(_l("Received on"), validators=[
        InputRequired(DATE_REQUIRED), not_in_future(_l("The date received cannot be in the future."))])
    tracking_number = StringField(_l("Bpost tracking number (registered letter)"), validators=[
        Optional(), max_length(40)])
    requester_name = StringField(_l("Name of the requester"), validators=[DataRequired(_l("Give the requester's name.")), max_length(200)])
    requester_email = EmailField(_l("Email address"), validators=[Optional(), Email(_l("Enter a valid email address.")), max_length(254)])
    requester_address = TextAreaField(_l("Postal address"), validators=[Optional(), max_length(1000)])
    customer_number = StringField(_l("Customer number (if known)"), validators=[Optional(), max_length(50)])
    requester_salutation = RadioField(_l("Letters address the requester as"), default="", validators=[Optional()],
                                      choices=[("", _l("Neither (Dear Sofie Claes)"))] + choices(SALUTATIONS))
    rights = MultiCheckboxField(_l("Rights invoked"), choices=[])
    request_text = TextAreaField(_l("Text of the request"), validators=[Optional(), max_length(100_000)])
    attachment = FileField(_l("Attachment (scan or saved email)"))
    confirm_old = BooleanField(_l("Yes, the request was received on this date (more than a year ago)"))
    # a case made from a forward whose sender was not authenticated: its claimed earlier date
    confirm_claimed_date = BooleanField(_l("Yes, I checked it: the request reached Labelstudio on this earlier date"))
    assignee_id = SelectField(_l("Assigned to"), coerce=str)
    # one token per form shown: the same form saved twice makes one case (services.duplicates)
    form_token = HiddenField("")
    confirm_duplicate = BooleanField(_l("I have looked at these cases: this is a new request, save it"))
    submit = SubmitField(_l("Save case"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rights.choices = [(key, right_label(key)) for key in RIGHTS]  # in the request's language

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not self.rights.data:
            self.rights.errors = list(self.rights.errors) + [str(_l("Tick at least one right."))]
            ok = False
        ok = _reachable(self) and ok
        return ok


class RequesterForm(VersionedForm):
    """Correct the requester's details: the same fields, and the same checks, as when the case was logged."""

    requester_name = CaseForm.requester_name
    requester_email = CaseForm.requester_email
    requester_address = CaseForm.requester_address
    customer_number = CaseForm.customer_number
    requester_salutation = CaseForm.requester_salutation
    submit = SubmitField(_l("Save the details"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        ok = _reachable(self) and ok
        return ok


IDENTITY_REASON = _l("Why does doubt remain? (required for an identity document)")
IDENTITY_REASON_HELP = _l("E.g. \u201cthe request came from another email address and the order number given does not "
                          "match the delivery postcode\u201d")


class IdentityRequestForm(VersionedForm):
    asked_on = DateField(_l("Asked on"), validators=[InputRequired(DATE_REQUIRED), not_in_future()])
    check = RadioField(_l("What do you ask for? (lightest first)"), choices=choices(IDENTITY_CHECKS),
                       validators=[Optional()])
    reason = TextAreaField(IDENTITY_REASON, description=IDENTITY_REASON_HELP, validators=[Optional(), max_length(5000)])
    note = TextAreaField(_l("What was asked (proof of identity or clarification), and how"), validators=[Optional(), max_length(5000)])
    submit = SubmitField(_l("Ask for proof of identity"))


class IdentityVerifyForm(VersionedForm):
    received_on = DateField(_l("Answer received on"), validators=[InputRequired(DATE_REQUIRED), not_in_future()])
    check = RadioField(_l("How was the identity verified? (lightest first)"), choices=choices(IDENTITY_CHECKS),
                       validators=[Optional()])
    reason = TextAreaField(IDENTITY_REASON, description=IDENTITY_REASON_HELP, validators=[Optional(), max_length(5000)])
    method = StringField(
        _l("What was checked"),
        description=_l("E.g. \u201crequest sent from the account's email address\u201d or \u201corder 10482, postcode "
                       "2960 match\u201d"),
        validators=[Optional(), max_length(1000)],
    )
    copy_destroyed = BooleanField(_l("The copy of the identity document has been destroyed (paper shredded, file and "
                                     "email deleted)"))
    submit = SubmitField(_l("Identity verified"))


class ExtendForm(VersionedForm):
    reason = TextAreaField(
        _l("Reason for the extension"),
        description=_l("Complexity or number of requests. The requester must be told before the original deadline."),
        validators=[DataRequired(_l("Give the reason for the extension (complexity or number of requests).")),
                    max_length(5000)],
    )
    submit = SubmitField(_l("Extend by two months"))


class ActionForm(VersionedForm):
    checklist_item = HiddenField("")
    not_applicable = HiddenField("")
    case_right_id = SelectField(_l("Right"), coerce=str, validators=[InputRequired()])
    system = SelectField(_l("System"), choices=choices(SYSTEMS, blank=""), validators=[InputRequired(_l("Choose the system in which the action took place."))])
    description = StringField(_l("What was done"), validators=[DataRequired(_l("Describe what was done.")), max_length(500)])
    performed_on = DateField(_l("Done on"), validators=[InputRequired(DATE_REQUIRED), not_in_future()])
    note = TextAreaField(_l("Note"), validators=[Optional(), max_length(5000)])
    submit = SubmitField(_l("Record action"))


class OutcomeForm(VersionedForm):
    """`version` here is the decision's own version (CaseRight.version), not the case's: deciding one right
    conflicts only with a change to the same decision."""

    outcome = RadioField(_l("Outcome"), choices=choices(OUTCOMES), validators=[InputRequired(_l("Choose an outcome."))])
    refusal_code = SelectField(_l("Reason code (for a full or partial refusal)"), choices=choices(REFUSAL_CODES, blank=""), validators=[Optional()])
    reason = TextAreaField(_l("Reasons (sent to the requester)"), validators=[Optional(), max_length(10_000)])
    submit = SubmitField(_l("Save outcome"))


class CloseForm(VersionedForm):
    status = RadioField(_l("Close as"), choices=choices(CLOSE_STATUSES), validators=[InputRequired(_l("Choose how the case ends."))])
    answer_sent_on = DateField(_l("Answer sent on"), validators=[Optional(), not_in_future()])
    note = TextAreaField(_l("Note"), validators=[Optional(), max_length(10_000)])
    submit = SubmitField(_l("Close case"))


class ReopenForm(VersionedForm):
    reason = TextAreaField(_l("Why is the case reopened?"),
                           description=_l("The deadline does not start again: it still runs from the date received."),
                           validators=[DataRequired(_l("Say why the case is reopened.")), max_length(5000)])
    submit = SubmitField(_l("Reopen the case"))


class AssignForm(VersionedForm):
    assignee_id = SelectField(_l("Assigned to"), coerce=str)
    submit = SubmitField(_l("Reassign"))


# The register's fixed filter choices (the assignee's are the staff, set per page).
FILTER_CHOICES = {
    "status": [("open", _l("All open")), ("running", _l("Open, clock running")), ("closed", _l("All closed")),
               ("all", _l("All"))] + choices(STATUSES),
    "right": [("", _l("All rights"))] + [(k, v[0]) for k, v in RIGHTS.items()],
    "channel": choices(CHANNELS, _l("All channels")),
    "level": [("", _l("Any escalation")), ("due_soon", _l("Due soon")), ("decide_extension", _l("Decide on extension")),
              ("identity_wait", _l("Waiting for identity too long")), ("overdue", _l("Overdue"))],
}


@lru_cache(maxsize=8)
def translated_filter_choices(locale: str) -> dict:
    """FILTER_CHOICES in `locale` (the current one), translated once, not on every page of the register."""
    return {name: [(value, str(label)) for value, label in options] for name, options in FILTER_CHOICES.items()}


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[lambda v: (v or "").replace("\x00", "")[:200]])
    status = SelectField(_l("Status"), choices=FILTER_CHOICES["status"])
    right = SelectField(_l("Right"), choices=FILTER_CHOICES["right"])
    channel = SelectField(_l("Received by"), choices=FILTER_CHOICES["channel"])
    assignee = SelectField(_l("Assigned to"), coerce=str)
    level = SelectField(_l("Escalation"), choices=FILTER_CHOICES["level"])
    received_from = DateField(_l("Received from"), validators=[Optional()])
    received_to = DateField(_l("Received until"), validators=[Optional()])
    deadline_from = DateField(_l("Deadline from"), validators=[Optional()])
    deadline_to = DateField(_l("Deadline until"), validators=[Optional()])
    sort = HiddenField("")  # an empty label: see VersionedForm.version
    with_requester = BooleanField(_l("Include the requester's details"))

    def translate_choices(self, locale: str) -> None:
        for name, options in translated_filter_choices(locale).items():
            self[name].choices = options

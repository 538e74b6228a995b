from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    DateField, EmailField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .. import clock
from ..rights import CHANNELS, CLOSE_STATUSES, OUTCOMES, REFUSAL_CODES, RIGHTS, STATUSES, SYSTEMS, right_label

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

    version = HiddenField(filters=[lambda v: v or ""])  # never None: a form without its version is stale


class CaseForm(FlaskForm):
    channel = RadioField(_l("Received by"), choices=choices(CHANNELS), validators=[InputRequired(_l("Choose how the request arrived."))])
    received_on = DateField(_l("Received on"), validators=[
        InputRequired(DATE_REQUIRED), not_in_future(_l("The date received cannot be in the future."))])
    requester_name = StringField(_l("Name of the requester"), validators=[DataRequired(_l("Give the requester's name.")), Length(max=200)])
    requester_email = EmailField(_l("Email address"), validators=[Optional(), Email(_l("Enter a valid email address.")), Length(max=254)])
    requester_address = TextAreaField(_l("Postal address"), validators=[Optional(), Length(max=1000)])
    customer_number = StringField(_l("Customer number (if known)"), validators=[Optional(), Length(max=50)])
    rights = MultiCheckboxField(_l("Rights invoked"), choices=[])
    request_text = TextAreaField(_l("Text of the request"), validators=[Optional(), Length(max=100_000)])
    attachment = FileField(_l("Attachment (scan or saved email)"))
    confirm_old = BooleanField(_l("Yes, the request was received on this date (more than a year ago)"))
    assignee_id = SelectField(_l("Assigned to"), coerce=str)
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
    submit = SubmitField(_l("Save the details"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        ok = _reachable(self) and ok
        return ok


class IdentityRequestForm(VersionedForm):
    asked_on = DateField(_l("Asked on"), validators=[InputRequired(DATE_REQUIRED), not_in_future()])
    note = TextAreaField(_l("What was asked (proof of identity or clarification), and how"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Ask for proof of identity"))


class IdentityVerifyForm(VersionedForm):
    received_on = DateField(_l("Answer received on"), validators=[InputRequired(DATE_REQUIRED), not_in_future()])
    method = StringField(
        _l("How was the identity verified?"),
        description=_l("E.g. \u201cmatches the account's email address\u201d or \u201ccopy of ID card checked and destroyed\u201d"),
        validators=[DataRequired(_l("Say how the identity was verified.")), Length(max=1000)],
    )
    submit = SubmitField(_l("Identity verified"))


class ExtendForm(VersionedForm):
    reason = TextAreaField(
        _l("Reason for the extension"),
        description=_l("Complexity or number of requests. The requester must be told before the original deadline."),
        validators=[DataRequired(_l("Give the reason for the extension (complexity or number of requests).")),
                    Length(max=5000)],
    )
    submit = SubmitField(_l("Extend by two months"))


class ActionForm(VersionedForm):
    checklist_item = HiddenField()
    not_applicable = HiddenField()
    case_right_id = SelectField(_l("Right"), coerce=str, validators=[InputRequired()])
    system = SelectField(_l("System"), choices=choices(SYSTEMS, blank=""), validators=[InputRequired(_l("Choose the system in which the action took place."))])
    description = StringField(_l("What was done"), validators=[DataRequired(_l("Describe what was done.")), Length(max=500)])
    performed_on = DateField(_l("Done on"), validators=[InputRequired(DATE_REQUIRED), not_in_future()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Record action"))


class OutcomeForm(VersionedForm):
    outcome = RadioField(_l("Outcome"), choices=choices(OUTCOMES), validators=[InputRequired(_l("Choose an outcome."))])
    refusal_code = SelectField(_l("Reason code (for a full or partial refusal)"), choices=choices(REFUSAL_CODES, blank=""), validators=[Optional()])
    reason = TextAreaField(_l("Reasons (sent to the requester)"), validators=[Optional(), Length(max=10_000)])
    submit = SubmitField(_l("Save outcome"))


class CloseForm(VersionedForm):
    status = RadioField(_l("Close as"), choices=choices(CLOSE_STATUSES), validators=[InputRequired(_l("Choose how the case ends."))])
    answer_sent_on = DateField(_l("Answer sent on"), validators=[Optional(), not_in_future()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=10_000)])
    submit = SubmitField(_l("Close case"))


class AssignForm(VersionedForm):
    assignee_id = SelectField(_l("Assigned to"), coerce=str)
    submit = SubmitField(_l("Reassign"))


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), filters=[lambda v: (v or "").replace("\x00", "")[:200]])
    status = SelectField(_l("Status"), choices=[("open", _l("All open")), ("closed", _l("All closed")), ("all", _l("All"))] + choices(STATUSES))
    right = SelectField(_l("Right"), choices=[("", _l("All rights"))] + [(k, v[0]) for k, v in RIGHTS.items()])
    assignee = SelectField(_l("Assigned to"), coerce=str)


class LetterForm(VersionedForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(_l("The subject cannot be empty.")), Length(max=255),
                                                     one_line])
    body = TextAreaField(_l("Text"), validators=[DataRequired(_l("The text cannot be empty.")), Length(max=100_000)])
    attach_package = BooleanField(_l("Attach the data package (ZIP)"))
    submit = SubmitField(_l("Send"))


class PackageForm(FlaskForm):
    files = MultipleFileField(_l("Exported data files (web shop, Mailchimp, ...)"))
    submit = SubmitField(_l("Add to the package"))

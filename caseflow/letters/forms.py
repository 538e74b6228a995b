"""The letter form (compose, check, send) and the data package upload."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired

from caseflow.cases.forms import VersionedForm, choices, one_line
from caseflow.legal.rights import PASSPHRASE_CHANNELS
from caseflow.web.validators import max_length


class LetterForm(VersionedForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(_l("The subject cannot be empty.")), max_length(255),
                                                     one_line])
    body = TextAreaField(_l("Text"), validators=[DataRequired(_l("The text cannot be empty.")), max_length(100_000)])
    attach_package = BooleanField(_l("Attach the data package (ZIP)"))
    passphrase_channel = RadioField(_l("The ZIP goes out encrypted: how does the requester get its passphrase?"),
                                    choices=choices(PASSPHRASE_CHANNELS), validate_choice=False)
    # the versions of the decisions the answer was drafted from (a decision does not bump the case's version)
    decisions = HiddenField("", filters=[lambda v: v or ""])
    submit = SubmitField(_l("Send"))


class PackageForm(FlaskForm):
    files = MultipleFileField(_l("Exported data files (web shop, Mailchimp, ...)"))
    submit = SubmitField(_l("Add to the package"))

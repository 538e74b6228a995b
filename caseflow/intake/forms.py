"""Forms of the triage inbox: import a saved email, add one to a case, dismiss one."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class ImportForm(FlaskForm):
    eml = FileField(_l("Saved email (.eml)"))
    submit = SubmitField(_l("Import the email"))


class AttachForm(FlaskForm):
    reference = StringField(_l("Case reference"), description=_l("E.g. DSR-2026-0012"),
                            validators=[DataRequired(_l("Give the reference of the case.")), Length(max=20)])
    submit = SubmitField(_l("Add to this case"))


class DismissForm(FlaskForm):
    reason = TextAreaField(_l("Why is this not a GDPR request?"),
                           validators=[DataRequired(_l("Say why this email is not a GDPR request.")),
                                       Length(max=2000)])
    submit = SubmitField(_l("Dismiss: not a GDPR request"))

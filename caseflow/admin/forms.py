from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email

from caseflow.web.validators import PASSWORD_RULE, max_length, strong_password


class UserForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter a name.")), max_length(120)])
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email(_l("Enter a valid email address."))])
    password = PasswordField(_l("Password"), description=PASSWORD_RULE,
                             validators=[DataRequired(), strong_password])
    is_admin = BooleanField(_l("Administrator (manages staff accounts)"))
    locale = SelectField(_l("Language"), choices=[("nl", "Nederlands"), ("en", "English")])
    submit = SubmitField(_l("Create account"))


class PasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), description=PASSWORD_RULE,
                             validators=[DataRequired(), strong_password])
    submit = SubmitField(_l("Set password"))


class ToggleForm(FlaskForm):
    """CSRF-protected button to activate or deactivate an account."""

    submit = SubmitField()

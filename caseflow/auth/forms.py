from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from caseflow.web.validators import PASSWORD_RULE, max_length, strong_password


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Log in"))


class SetupForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), max_length(120)])
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), description=PASSWORD_RULE,
                             validators=[DataRequired(), strong_password])
    confirm = PasswordField(
        _l("Repeat the password"), validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))]
    )
    submit = SubmitField(_l("Create administrator account"))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[("nl", "Nederlands"), ("en", "English")])
    submit = SubmitField(_l("Save"))


class CodeForm(FlaskForm):
    code = StringField(_l("Code from your authenticator app"), validators=[DataRequired(), Length(max=12)])
    submit = SubmitField(_l("Log in"))


class EnrolForm(FlaskForm):
    code = StringField(_l("Code the app shows now"), validators=[DataRequired(), Length(max=12)])
    submit = SubmitField(_l("Switch on two-factor login"))


class RemoveTotpForm(FlaskForm):
    """Switching two-factor login off: the password and a current code, as when logging in."""

    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password."))])
    code = StringField(_l("Code from your authenticator app"), validators=[DataRequired(_l("Enter the code."))])
    submit = SubmitField(_l("Switch off two-factor login"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), description=PASSWORD_RULE, validators=[DataRequired(), strong_password])
    confirm = PasswordField(
        _l("Repeat the new password"), validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))]
    )
    submit = SubmitField(_l("Change password"))

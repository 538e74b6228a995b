from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..services.users import MIN_PASSWORD_LENGTH
from ..validators import PASSWORD_RULE, max_length


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Log in"))


class SetupForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), max_length(120)])
    email = EmailField(_l("Email address"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, message=PASSWORD_RULE)])
    confirm = PasswordField(
        _l("Repeat the password"), validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))]
    )
    submit = SubmitField(_l("Create administrator account"))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=[("nl", "Nederlands"), ("en", "English")])
    submit = SubmitField(_l("Save"))

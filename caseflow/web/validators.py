"""Form checks shared by the blueprints, with messages from our own catalogue (WTForms' Dutch says "karakters")."""
from flask_babel import lazy_gettext as _l
from wtforms.validators import Length, ValidationError

from caseflow.security import users as user_service
from caseflow.security.users import MIN_PASSWORD_LENGTH
from caseflow.services import ServiceError

PASSWORD_RULE = _l("At least %(n)d characters, not a common or easily guessed password (a few unrelated words work "
                   "well).", n=MIN_PASSWORD_LENGTH)


def strong_password(form, field) -> None:
    """The service's password rule (security.users.check_password), shown with the form's other errors at once."""
    email, name = getattr(form, "email", None), getattr(form, "name", None)
    try:
        user_service.check_password(field.data, email=(email.data or "") if email else "",
                                    name=(name.data or "") if name else "")
    except ServiceError as error:
        raise ValidationError(str(error.message)) from None


TOO_LONG = _l("At most %(max)d characters (now %(length)d).")


def max_length(n: int) -> Length:
    return Length(max=n, message=TOO_LONG)

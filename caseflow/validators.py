"""Form checks shared by the blueprints, with messages from our own catalogue (WTForms' Dutch says "karakters")."""
from flask_babel import lazy_gettext as _l
from wtforms.validators import Length

from .services.users import MIN_PASSWORD_LENGTH

PASSWORD_RULE = _l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
TOO_LONG = _l("At most %(max)d characters (now %(length)d).")


def max_length(n: int) -> Length:
    return Length(max=n, message=TOO_LONG)

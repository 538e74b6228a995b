"""Helpers shared by the blueprints' views."""
from functools import wraps

from flask import abort, flash
from flask_login import current_user, login_required


def apply_service_error(form, error) -> None:
    """Show a service's refusal next to the field it concerns, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = list(field.errors) + [str(error.message)]
    else:
        flash(str(error.message), "error")


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped

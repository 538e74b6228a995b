"""Logging in and out, the one-time setup of the first administrator, the language choice."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..extensions import db, login_manager
from ..models import User
from ..services import ServiceError
from ..services import users as user_service
from ..views import apply_service_error
from .forms import LanguageForm, LoginForm, SetupForm

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_id: str):
    """The user of the session, if it was opened with the user's current password (see User.get_id)."""
    user_id, _, fingerprint = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and fingerprint == user.password_fingerprint else None


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/"):
        return target
    return url_for("dashboard.index")


def _start_session(user) -> None:
    """Log in with a fresh CSRF secret: forms from an earlier session (or someone else's) no longer count."""
    session.pop("csrf_token", None)
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    if not user_service.any_user_exists():
        return redirect(url_for("auth.setup"))
    form = LoginForm()
    if form.validate_on_submit():
        user = user_service.find_by_email(form.email.data)
        if user is None or not user.check_password(form.password.data):
            form.password.errors.append(_("Wrong email address or password."))
        elif not user.active:
            form.email.errors.append(_("This account has been deactivated. Ask an administrator."))
        else:
            _start_session(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.pop("csrf_token", None)  # forms opened before logging out cannot be sent afterwards
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/setup", methods=["GET", "POST"])
def setup():
    """Create the first administrator; gone as soon as any account exists."""
    if user_service.any_user_exists():
        abort(404)
    form = SetupForm()
    if form.validate_on_submit():
        try:
            user = user_service.create_user(
                email=form.email.data, name=form.name.data, password=form.password.data, is_admin=True
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            _start_session(user)
            flash(_("Welcome! Your administrator account has been created."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/setup.html", form=form)


@bp.route("/language", methods=["GET", "POST"])
@login_required
def language():
    form = LanguageForm(locale=current_user.locale)
    if form.validate_on_submit():
        user_service.set_locale(current_user, form.locale.data)
        flash(_("Language saved."), "success")
        return redirect(url_for("dashboard.index"))
    return render_template("auth/language.html", form=form)

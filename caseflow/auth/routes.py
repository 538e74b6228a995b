"""Logging in and out, the one-time setup of the first administrator, the language choice."""
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from caseflow import security
from caseflow.extensions import login_manager
from caseflow.security import login as login_service
from caseflow.security import sessions
from caseflow.services import ServiceError
from caseflow.services import users as user_service
from caseflow.views import apply_service_error
from caseflow.auth.forms import ChangePasswordForm, LanguageForm, LoginForm, SetupForm

bp = Blueprint("auth", __name__)
PENDING = "pending_login"  # password right, two-factor code still to come: {"user": id, "at": timestamp, "next": url}


@login_manager.user_loader
def load_user(session_id: str):
    """The user of the server-side session the cookie names, while that session is open (see security.sessions).

    An ended session is forgotten from the cookie at once, and a timeout says why the user must log in again.
    """
    user = sessions.resume(session_id, now=security.now())
    if user is None:
        session.pop("_user_id", None)
        reason = sessions.ended_reason(session_id)
        if reason == "idle":
            flash(_("You were logged out after %(minutes)d minutes without activity. Log in again.",
                    minutes=current_app.config["SESSION_IDLE_MINUTES"]), "warning")
        elif reason == "expired":
            flash(_("You were logged out %(hours)d hours after logging in. Log in again.",
                    hours=current_app.config["SESSION_MAX_HOURS"]), "warning")
    return user


def client() -> dict:
    """Who is asking, for the security log and throttling (behind a proxy: see PROXY_FIX_X_FOR)."""
    return {"ip": request.remote_addr}


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboard.index")


def start_session(user, now) -> None:
    """Log in with a fresh server-side session and CSRF secret: forms from an earlier session no longer count."""
    session.pop(PENDING, None)
    session.pop("csrf_token", None)
    sessions.open_session(user, now=now, user_agent=request.user_agent.string, **client())
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    if not user_service.any_user_exists():
        session.pop("_flashes", None)  # "log in to see this page" makes no sense before the first account exists
        return redirect(url_for("auth.setup"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        now = security.now()
        outcome = login_service.check_password(form.email.data, form.password.data, now=now, **client())
        if outcome.user is None:
            form.password.errors.append(str(outcome.message))
            status = 429 if outcome.wait_seconds else 200
        elif outcome.user.totp_secret:
            session[PENDING] = {"user": outcome.user.id, "at": now.timestamp(), "next": request.args.get("next")}
            return redirect(url_for("auth.login_code"))
        else:
            start_session(outcome.user, now)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        sessions.end(current_user.session_id, "logout", now=security.now(), **client())
    logout_user()
    session.pop("csrf_token", None)  # forms opened before logging out cannot be sent afterwards
    session.pop(PENDING, None)
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
            start_session(user, security.now())
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


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """One's own new password: every other session of the account ends (a stolen one included)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user_service.change_password(current_user, form.current.data, form.password.data, now=security.now(),
                                         keep_session=current_user.session_id)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(_("Your password has been changed. Your other sessions have been ended."), "success")
            return redirect(url_for("cases.index"))
    return render_template("auth/password.html", form=form), 200 if not form.errors else 422

"""Logging in and out, two-factor login and enrolment, the one-time setup of the first administrator, the language choice."""
from datetime import timedelta
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from caseflow import security
from caseflow.auth.blueprint import bp
from caseflow.auth.forms import (
    ChangePasswordForm,
    CodeForm,
    EnrolForm,
    LanguageForm,
    LoginForm,
    RemoveTotpForm,
    SetupForm,
)
from caseflow.extensions import db, login_manager
from caseflow.models import User
from caseflow.security import login as login_service
from caseflow.security import sessions, totp
from caseflow.security import users as user_service
from caseflow.services import ServiceError
from caseflow.web.views import apply_service_error

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


PENDING_FOR = timedelta(minutes=5)  # the code must follow the password within this time
ENROL_SECRET = "totp_enrol_secret"
OPEN_WITHOUT_2FA = {"auth.two_factor", "auth.logout", "auth.language", "auth.change_password", "static"}


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """Second step for a user with two-factor login: the password was right, now the app's code."""
    pending = session.get(PENDING) or {}
    now = security.now()
    user = db.session.get(User, pending["user"]) if pending.get("user") else None
    if (user is None or not user.totp_secret or not user.active
            or now.timestamp() - pending.get("at", 0) > PENDING_FOR.total_seconds()):
        session.pop(PENDING, None)
        flash(_("Log in again: the two-factor step took too long."), "warning")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        outcome = login_service.check_code(user, form.code.data, now=now, **client())
        if outcome.user is None:
            form.code.errors.append(str(outcome.message))
            status = 429 if outcome.wait_seconds else 200
        else:
            start_session(user, now)
            return redirect(_safe_next(pending.get("next")))
    return render_template("auth/code.html", form=form), status


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    """Switch on two-factor login: scan the QR code with an authenticator app and type its code."""
    if current_user.totp_secret:
        return render_template("auth/two_factor.html", remove_form=RemoveTotpForm(), required=_required())
    secret = session.get(ENROL_SECRET) or totp.new_secret()
    session[ENROL_SECRET] = secret
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            user_service.enrol_totp(current_user, secret, form.code.data, now=security.now(), **client())
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            session.pop(ENROL_SECRET, None)
            flash(_("Two-factor login is on. From now on Caseflow asks for a code after your password."), "success")
            return redirect(url_for("auth.two_factor"))
    uri = totp.provisioning_uri(secret, current_user.email)
    return render_template("auth/two_factor.html", form=form, secret=secret, qr=totp.qr_data_uri(uri),
                           required=_required()), 200 if not form.errors else 422


@bp.route("/account/two-factor/remove", methods=["POST"])
@login_required
def remove_two_factor():
    form = RemoveTotpForm()
    if not current_user.totp_secret:
        return redirect(url_for("auth.two_factor"))
    if _required():
        flash(_("Administrators must keep two-factor login on."), "error")
        return redirect(url_for("auth.two_factor"))
    if form.validate_on_submit():
        try:
            user_service.remove_totp(current_user, now=security.now(), actor=current_user,
                                     password=form.password.data, code=form.code.data, **client())
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(_("Two-factor login is off. We sent you an email about it."), "success")
            return redirect(url_for("auth.two_factor"))
    return render_template("auth/two_factor.html", remove_form=form, required=False), 422


def _required() -> bool:
    return bool(current_app.config.get("REQUIRE_2FA_FOR_ADMINS")) and current_user.is_admin


@bp.before_app_request
def admins_enrol_first():
    """With REQUIRE_2FA_FOR_ADMINS, an administrator without two-factor login can only set it up (or log out)."""
    if (current_app.config.get("REQUIRE_2FA_FOR_ADMINS") and request.endpoint not in OPEN_WITHOUT_2FA
            and current_user.is_authenticated and current_user.is_admin and not current_user.totp_secret):
        flash(_("Administrators must set up two-factor login before they can use Caseflow."), "warning")
        return redirect(url_for("auth.two_factor"))
    return None

"""Two-factor login: the code step after the password, the enrolment page, and admins made to enrol first."""
from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from caseflow import security
from caseflow.extensions import db
from caseflow.models import User
from caseflow.security import login as login_service
from caseflow.security import totp
from caseflow.services import ServiceError
from caseflow.services import users as user_service
from caseflow.views import apply_service_error
from caseflow.auth.forms import CodeForm, EnrolForm, RemoveTotpForm
from caseflow.auth.routes import PENDING, _safe_next, bp, client, start_session

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
    if RemoveTotpForm().validate_on_submit() and current_user.totp_secret:
        if _required():
            flash(_("Administrators must keep two-factor login on."), "error")
        else:
            user_service.remove_totp(current_user, now=security.now(), actor=current_user, **client())
            flash(_("Two-factor login is off."), "success")
    return redirect(url_for("auth.two_factor"))


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

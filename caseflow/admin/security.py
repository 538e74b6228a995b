"""Administration of logins: each user's open sessions, locks after failed logins, the security log."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from caseflow import security
from caseflow.extensions import db
from caseflow.models import User
from caseflow.security import log, sessions, throttle
from caseflow.security import login as login_service
from caseflow.security.models import UserSession
from caseflow.services import users as user_service
from caseflow.admin.forms import ToggleForm
from caseflow.admin.routes import bp


@bp.route("/users/<int:user_id>/sessions")
def user_sessions(user_id):
    user = db.get_or_404(User, user_id)
    return render_template("admin/sessions.html", user=user, button=ToggleForm(),
                           sessions=sessions.live_sessions(user, now=security.now()),
                           events=log.latest(limit=50, user_id=user.id))


@bp.route("/users/<int:user_id>/sessions/<session_id>/end", methods=["POST"])
def end_session(user_id, session_id):
    record = db.get_or_404(UserSession, session_id)
    if record.user_id != user_id or not ToggleForm().validate_on_submit():
        abort(404 if record.user_id != user_id else 400)
    if sessions.end(session_id, "admin", now=security.now(), actor=current_user, ip=request.remote_addr):
        flash(_("The session has been ended."), "success")
    if session_id == current_user.session_id:
        return redirect(url_for("auth.login"))
    return redirect(url_for("admin.user_sessions", user_id=user_id))


@bp.route("/users/<int:user_id>/two-factor/remove", methods=["POST"])
def remove_two_factor(user_id):
    """For a user who lost the phone: they log in with the password alone and can enrol again."""
    user = db.get_or_404(User, user_id)
    if ToggleForm().validate_on_submit() and user.totp_secret:
        user_service.remove_totp(user, now=security.now(), actor=current_user, ip=request.remote_addr)
        flash(_("Two-factor login switched off for %(name)s.", name=user.name), "success")
    return redirect(url_for("admin.users"))


@bp.route("/security")
def security_log():
    now = security.now()
    kind = request.args.get("kind", "")
    return render_template("admin/security.html", locks=throttle.current_locks(now), button=ToggleForm(),
                           events=log.latest(kind=kind if kind in log.KINDS else None), kinds=log.KINDS, kind=kind)


@bp.route("/security/unlock", methods=["POST"])
def unlock():
    key, value = request.form.get("key"), (request.form.get("value") or "").strip()
    if not ToggleForm().validate_on_submit() or key not in ("email", "ip") or not value:
        abort(400)
    login_service.lift_lock(key, value, actor=current_user, now=security.now(), ip=request.remote_addr)
    flash(_("The lock on %(what)s has been lifted.", what=value), "success")
    return redirect(url_for("admin.users") if request.form.get("back") == "users" else url_for("admin.security_log"))

"""Administration: staff accounts and their logins (sessions, locks, the security log), the scheduled jobs and the mail outbox."""
from flask import abort, current_app, flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from caseflow import clock, security
from caseflow.admin.blueprint import bp
from caseflow.admin.forms import PasswordForm, ToggleForm, UserForm
from caseflow.extensions import db
from caseflow.intake import service as intake_service
from caseflow.jobs import health, scheduler
from caseflow.jobs import runner as jobs
from caseflow.letters import service as correspondence
from caseflow.mail import outbox as mail
from caseflow.mail.models import OutboxMessage
from caseflow.models import User
from caseflow.security import log, sessions, throttle
from caseflow.security import login as login_service
from caseflow.security import users as user_service
from caseflow.security.models import UserSession
from caseflow.services import ServiceError
from caseflow.web import nav
from caseflow.web.views import apply_service_error


@bp.route("/users")
def users():
    all_users = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    locked = {lock["value"] for lock in throttle.current_locks(security.now()) if lock["key"] == "email"}
    return render_template("admin/users.html", users=all_users, toggle=ToggleForm(), locked=locked)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = user_service.create_user(email=form.email.data, name=form.name.data, password=form.password.data,
                                            is_admin=form.is_admin.data, locale=form.locale.data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(_("Account created for %(name)s.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form), 200 if not form.errors else 422


@bp.route("/users/<int:user_id>/active", methods=["POST"])
def toggle_active(user_id):
    user = db.get_or_404(User, user_id)
    if ToggleForm().validate_on_submit():
        try:
            user_service.set_active(user, not user.active, actor=current_user, now=security.now())
        except ServiceError as error:
            flash(str(error.message), "error")
        else:
            flash(_("%(name)s can log in again.", name=user.name) if user.active
                  else _("%(name)s has been deactivated.", name=user.name), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id):
    user = db.get_or_404(User, user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            # One's own new password ends one's other sessions, not this one.
            user_service.reset_password(user, form.password.data, now=security.now(), actor=current_user,
                                        keep_session=current_user.session_id if user.id == current_user.id else None)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            flash(_("New password set for %(name)s.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/password.html", form=form, user=user), 200 if not form.errors else 422


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


JOB_LABELS = {
    "audit": _l("Check the audit trail's hash chain"),
    "anchor": _l("Anchor the audit trail's head outside the database (file and email to admins)"),
    "escalate": _l("Escalate due and overdue cases"),
    "reminders": _l("Daily reminder emails"),
    "mail": _l("Deliver the mail outbox"),
    "intake": _l("Fetch new email from the mailbox (intake)"),
    "packages": _l("Delete data packages past their retention period"),
    "retention": _l("Anonymise cases past the retention period; remove stray files"),
    "backup": _l("Back up the database and stored files"),
}
OUTBOX_LIMIT = 200


@bp.route("/jobs")
def job_list():
    now = clock.now()
    config = current_app.config
    rows = [
        {
            "id": job.id,
            "label": JOB_LABELS.get(job.id, job.id),
            "at": config[job.time_setting] if job.daily else None,
            "interval": None if job.daily else int(config[job.interval_setting]),
            "last": run,
            "status": jobs.STATUSES.get(run.status, run.status) if run else None,
            "summary": jobs.stored_summary(run) if run else "",
            "for_other_day": bool(run) and run.day != clock.as_utc(run.started_at).astimezone(clock.BRUSSELS).date(),
            "next": scheduler.next_run(job, config, now, claimed=jobs.claimed_days(job, since=now.date())),
        }
        for job, run in ((jobs.JOBS[job_id], run) for job_id, run in jobs.last_runs().items())
    ]
    return render_template("admin/jobs.html", rows=rows, working_days_only=config["REMINDERS_WORKING_DAYS_ONLY"],
                           mail_server=config.get("MAIL_SERVER"), failed_messages=failed_message_count(),
                           quarantined=intake_service.quarantined_count(), intake_ok_at=health.last_success("intake"),
                           failing=health.failing(), alert_after=int(config["JOB_FAILURES_ALERT"]))


@bp.route("/outbox")
def outbox():
    status = request.args.get("status", "")
    query = select(OutboxMessage)
    if status in mail.STATUSES:
        query = query.where(OutboxMessage.status == status)
    failed_first = sql_case((OutboxMessage.status == "failed", 0), else_=1)
    messages = db.session.scalars(query.order_by(failed_first, OutboxMessage.id.desc()).limit(OUTBOX_LIMIT)).all()
    return render_template("admin/outbox.html", messages=messages, statuses=mail.STATUSES, status=status,
                           retry_form=ToggleForm(), mail_server=current_app.config.get("MAIL_SERVER"))


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
def retry_message(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    if not ToggleForm().validate_on_submit():
        abort(400)
    if message.status != "failed":
        flash(_("Only a failed message can be retried."), "warning")
        return redirect(url_for("admin.outbox"))
    message = correspondence.retry(message)
    if message.status == "sent":
        flash(_("The message to %(recipient)s has been sent.", recipient=message.recipient), "success")
    else:
        flash(_("Sending to %(recipient)s failed again: %(error)s", recipient=message.recipient,
                error=mail.error_text(message.last_error) or ""), "error")
    return redirect(url_for("admin.outbox"))


def failed_message_count() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.status == "failed"))


@bp.app_context_processor
def failed_mail_badge():
    """`failed_mail_count()` for the admin nav link on every page; a function, so only that link queries."""
    def failed_mail_count() -> int:
        if not has_request_context() or not current_user.is_authenticated or not current_user.is_admin:
            return 0
        try:
            return nav.counts()["failed_mail"]  # one query with the menu's other badge
        except SQLAlchemyError:  # e.g. the error page of a failed transaction: the badge must not break it
            return 0
    return {"failed_mail_count": failed_mail_count}

"""Administration of the scheduled jobs and the mail outbox: what ran, what is stuck, and a retry button."""
from flask import abort, current_app, flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from caseflow import clock, jobs, mail, nav, scheduler
from caseflow.extensions import db
from caseflow.models import OutboxMessage
from caseflow.services import correspondence
from caseflow.admin.forms import ToggleForm
from caseflow.admin.routes import bp

JOB_LABELS = {
    "audit": _l("Check the audit trail's hash chain"),
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
            "for_other_day": bool(run) and run.day != mail.as_utc(run.started_at).astimezone(clock.BRUSSELS).date(),
            "next": scheduler.next_run(job, config, now, claimed=jobs.claimed_days(job, since=now.date())),
        }
        for job, run in ((jobs.JOBS[job_id], run) for job_id, run in jobs.last_runs().items())
    ]
    return render_template("admin/jobs.html", rows=rows, working_days_only=config["REMINDERS_WORKING_DAYS_ONLY"],
                           mail_server=config.get("MAIL_SERVER"), failed_messages=failed_message_count())


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

"""How each job has fared lately: failures in a row, the last success, and one email to every administrator when a
job has failed JOB_FAILURES_ALERT runs in a row (a poll that crashes every three minutes must not go unnoticed while
the jobs page still shows an older success)."""
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.jobs.models import JobHealth
from caseflow.mail import outbox as mail
from caseflow.models import User

SUCCESS = ("done", "skipped")  # "already_done" says nothing new about the job


def record(job_id: str, status: str, *, now: datetime, error: str | None = None) -> JobHealth | None:
    """Count this run; the alert is queued and committed with it. Never raises: it must not fail the job."""
    if status not in SUCCESS and status != "failed":
        return None
    try:
        health = db.session.get(JobHealth, job_id) or JobHealth(job=job_id, failures=0)
        db.session.add(health)
        if status == "failed":
            health.failures = (health.failures or 0) + 1
            health.failing_since = health.failing_since or now
            health.last_error = (error or "")[:2000] or None
            if health.failures >= int(current_app.config["JOB_FAILURES_ALERT"]) and health.alerted_at is None:
                _alert(health, now)
                health.alerted_at = now
        else:
            health.failures, health.failing_since, health.alerted_at = 0, None, None
            health.last_success_at = now
        db.session.commit()
        return health
    except Exception:  # noqa: BLE001 - the database itself is in trouble: the job's own record says so
        db.session.rollback()
        current_app.logger.exception("job health of %s not recorded", job_id)
        return None


def _alert(health: JobHealth, now: datetime) -> None:
    admins = db.session.scalars(select(User).where(User.is_admin.is_(True), User.active.is_(True))).all()
    config = current_app.config
    for user in admins:
        with force_locale(user.locale or "nl"):
            subject = _("Caseflow: the job “%(job)s” has failed %(num)d times in a row", job=health.job,
                        num=health.failures)
            text, html = mail.render("job_alert", user.locale, user=user, health=health, subject=subject,
                                     base_url=config["BASE_URL"])
        mail.enqueue(recipient=user.email, subject=subject, text=text, html=html, kind="job_alert",
                     key=f"job-alert:{health.job}:{health.failing_since.isoformat()}:user:{user.id}"[:120],
                     user=user, locale=user.locale, now=now)


def last_success(job_id: str) -> datetime | None:
    health = db.session.get(JobHealth, job_id)
    return health.last_success_at if health else None


def failing() -> dict[str, JobHealth]:
    """The jobs whose latest runs failed, by id."""
    return {h.job: h for h in db.session.scalars(select(JobHealth).where(JobHealth.failures > 0))}

"""Scheduled jobs, listed as data with stable ids: escalate, reminders, mail.

A daily job first claims (job, day) in the job_run table, whose unique constraint lets only one
process have it; the claim, the changes and the outbox messages commit together, so a re-run,
a second scheduler or a crash halfway never does the work twice. Mail goes out afterwards, from the outbox.
"""
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from caseflow import clock
from caseflow.audit import anchor as audit_anchor
from caseflow.audit.chain import current_key, latest_hash
from caseflow.audit.verify import verify_all
from caseflow.extensions import db
from caseflow.intake import poll as intake_poll
from caseflow.intake import service as intake_services
from caseflow.jobs import health
from caseflow.jobs.models import JobRun
from caseflow.jobs.open_cases import level, loaded, open_facts
from caseflow.jobs.summary import describe, stored_summary  # noqa: F401  (jobs.describe, as before)
from caseflow.legal import escalation
from caseflow.legal.deadlines import is_working_day
from caseflow.letters import service as correspondence
from caseflow.mail import outbox as mail
from caseflow.mail import reminders
from caseflow.models import User
from caseflow.retention import packages as package_retention
from caseflow.services import StaleCaseError, audit, commit

log = logging.getLogger(__name__)


STATUSES = {  # what the admin page says for JobRun.status / Result.status
    "running": _l("Running"),
    "done": _l("Done"),
    "already_done": _l("Already done"),
    "skipped": _l("Skipped"),
    "failed": _l("Failed"),
}


@dataclass(frozen=True)
class Result:
    """What a run did, as shown on the admin page and printed by `flask jobs run`."""

    job: str
    day: date
    status: str  # done, skipped, already_done, failed
    count: int = 0
    counts: dict = field(default_factory=dict)  # what describe() turns into words, e.g. {"changed": 6, "notices": 2}
    error: str = ""

    @property
    def summary(self) -> str:
        """In English, for the command line and the log; the admin page words it in the reader's language."""
        if self.error:
            return self.error
        with force_locale("en"):
            return describe(self.job, self.counts)

    def __str__(self):
        return f"{self.job} {self.day.isoformat()}: {self.status}, {self.count} ({self.summary})"


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable  # (today, now) -> (status, count, counts for describe())
    daily: bool
    time_setting: str | None = None  # config key holding "HH:MM" (Europe/Brussels) for daily jobs
    interval_setting: str = "MAIL_INTERVAL_SECONDS"  # config key holding the seconds between runs of the others
    enabled_setting: str | None = None  # config key that must be set for the scheduler to run the job

    def enabled(self, config) -> bool:
        return self.enabled_setting is None or bool(config.get(self.enabled_setting))


def _active_users(admins_only=False) -> list[User]:
    query = select(User).where(User.active.is_(True)).order_by(User.id)
    if admins_only:
        query = query.where(User.is_admin.is_(True))
    return db.session.scalars(query).all()


def reminders_go_out(today: date) -> bool:
    """The daily reminder is sent today (working days only, unless configured otherwise)."""
    return not current_app.config["REMINDERS_WORKING_DAYS_ONLY"] or is_working_day(today)


def escalate(today: date, now: datetime):
    """Record each open case's rung; notify admins of newly overdue cases and assignees of long identity waits.

    On a day the reminder goes out, that one email carries it all (every overdue case for admins): no second
    email. Only on days without reminders (weekends, holidays) does the escalation get an email of its own.
    """
    admins = _active_users(admins_only=True) if not reminders_go_out(today) else []
    notices = defaultdict(list)  # user -> [Line]
    rows, facts = open_facts()
    changing = {}
    for row in rows:
        new = level(facts[row.id], today)
        if new != row.escalation_level:
            changing[row.id] = new
    changed = 0
    for case in loaded(changing):
        new, old = changing[case.id], case.escalation_level
        if new == old:  # changed meanwhile by somebody else's run
            continue
        case.escalation_level, case.escalated_on = new, today if new else None
        action = "escalated" if escalation.rank(new) > escalation.rank(old) else "deescalated"
        audit(case, None, action, before=old, after=new, at=now)
        changed += 1
        if new == escalation.OVERDUE:
            recipients = admins
        elif new == escalation.IDENTITY_WAIT and not reminders_go_out(today):
            recipients = [case.assignee] if case.assignee and case.assignee.active else admins
        else:
            continue
        for user in recipients:
            notices[user].append(reminders.line(case, new, today))
    for user, lines in notices.items():
        subject, text, html = reminders.render_escalation(user, lines, today)
        mail.enqueue(recipient=user.email, subject=subject, text=text, html=html, kind="escalation",
                     key=f"escalate:{today.isoformat()}:user:{user.id}", user=user, locale=user.locale, now=now)
    return "done", changed, {"changed": changed, "notices": len(notices)}


def verify_audit(today: date, now: datetime):
    """Check the whole audit chain every day and alert every admin at once on a break (a job of its own, just
    before escalate: it reads every event ever written, which the escalation itself never needs to)."""
    report = verify_all(db.session)  # the links under the key, and the anchors outside the database
    counts = {"checked": report.checked}
    if not report.ok:
        log.error("audit chain broken: %s", report.first.describe())
        counts["chain_broken"] = report.total
        for user in _active_users(admins_only=True):  # every day: a broken chain never waits for a reminder
            subject, text, html = reminders.render_chain_alert(user, report, today)
            mail.enqueue(recipient=user.email, subject=subject, text=text, html=html, kind="audit_alert",
                         key=f"audit-chain:{today.isoformat()}:user:{user.id}", user=user, locale=user.locale,
                         now=now)
    return "done", report.checked, counts


def anchor_audit(today: date, now: datetime):
    """Anchor the audit chain's head outside the database every day, whatever else there is to report: a line of
    the anchor file, and an email to every active admin (queued with the claim: rewriting history would also mean
    rewriting delivered mail)."""
    head = audit_anchor.record(db.session, audit_anchor.path_of(current_app), current_key(), now=now)
    admins = _active_users(admins_only=True)
    for user in admins:
        subject, text, html = reminders.render_anchor(user, head, today)
        mail.enqueue(recipient=user.email, subject=subject, text=text, html=html, kind="audit_anchor",
                     key=f"audit-anchor:{today.isoformat()}:user:{user.id}", user=user, locale=user.locale, now=now)
    return "done", head.events, {"anchored": head.events, "mailed": len(admins)}


def reminder_messages(today: date) -> list[tuple]:
    """(user, subject, text, html) of each reminder due `today`: one per active staff member with something to
    act on; nobody gets an empty email. Nothing is queued (see send_reminders, and `jobs preview reminders`)."""
    rows, facts = open_facts()
    users = _active_users()
    active_ids = {user.id for user in users}
    levels = {row.id: level(facts[row.id], today) for row in rows}
    # what any digest can list: cases on a rung, and (for admins) the cases nobody active is assigned to
    listed = [row.id for row in rows if levels[row.id] in reminders.GROUPS or row.assignee_id not in active_ids]
    cases = loaded(listed)
    untriaged = intake_services.untriaged_count()  # emails in the triage inbox: everyone may take them
    chain_hash = latest_hash(db.session)  # in the admins' mail: rewriting history would mean rewriting sent mail
    quarantined, intake_ok_at = intake_services.quarantined_count(), health.last_success("intake")
    out = []
    for user in users:
        digest = reminders.digest_for(user, cases, levels, today, open_total=len(rows))
        digest.untriaged = untriaged
        if user.is_admin:
            digest.chain_hash = chain_hash
            digest.quarantined, digest.intake_ok_at = quarantined, intake_ok_at
            digest.intake_configured = bool(current_app.config.get("IMAP_HOST"))
        if not digest.empty:
            out.append((user, *reminders.render_reminder(digest, today)))
    return out


def send_reminders(today: date, now: datetime):
    """Queue one reminder per active staff member with something to act on; nobody gets an empty email."""
    if not reminders_go_out(today):
        return "skipped", 0, {"reason": "not_working_day"}
    queued = 0
    for user, subject, text, html in reminder_messages(today):
        mail.enqueue(recipient=user.email, subject=subject, text=text, html=html, kind="reminder",
                     key=f"reminders:{today.isoformat()}:user:{user.id}", user=user, locale=user.locale, now=now)
        queued += 1
    return "done", queued, {"queued": queued}


def purge_packages(today: date, now: datetime):
    """Delete data package files past their retention period (names, sizes and hashes stay)."""
    purged = package_retention.purge_delivered_packages(today, now)
    return "done", purged, {"purged": purged}


def deliver_mail(today: date, now: datetime):
    """Deliver the outbox: whatever is due now."""
    report = correspondence.deliver_outbox(now)
    return "done", len(report.sent), {"sent": len(report.sent), "deferred": len(report.deferred),
                                      "failed": len(report.failed)}


def retention(today: date, now: datetime):
    """Anonymise cases closed longer than RETENTION_YEARS; remove stored files of no case."""
    from caseflow.retention import service as job

    return job.run(today, now)


def backup(today: date, now: datetime):
    """One archive into BACKUP_DIR, keeping the newest BACKUP_KEEP (off while BACKUP_DIR is unset)."""
    from caseflow.backup.service import make_backup

    target = current_app.config.get("BACKUP_DIR")
    if not target:
        return "skipped", 0, {"reason": "not_configured"}
    db.session.commit()  # the claim first: the snapshot is taken outside this transaction
    result = make_backup(target, keep=int(current_app.config["BACKUP_KEEP"]), now=now)
    return "done", 1, {"size": result.size, "files": result.files, "removed": len(result.removed)}


JOBS = {
    job.id: job
    for job in (
        Job("audit", verify_audit, daily=True, time_setting="AUDIT_TIME"),
        Job("anchor", anchor_audit, daily=True, time_setting="AUDIT_ANCHOR_TIME"),
        Job("escalate", escalate, daily=True, time_setting="ESCALATE_TIME"),
        Job("reminders", send_reminders, daily=True, time_setting="REMINDERS_TIME"),
        Job("mail", deliver_mail, daily=False),
        Job("intake", intake_poll.run_job, daily=False, interval_setting="INTAKE_INTERVAL_SECONDS"),
        Job("packages", purge_packages, daily=True, time_setting="PACKAGES_TIME"),
        Job("retention", retention, daily=True, time_setting="RETENTION_TIME"),
        Job("backup", backup, daily=True, time_setting="BACKUP_TIME", enabled_setting="BACKUP_DIR"),
    )
}


def claimed_days(job: Job, since: date) -> set[date]:
    """The days from `since` on that a daily job has claimed; a failed run's day is retaken (see _claim),
    so not counted."""
    if not job.daily:
        return set()
    return set(db.session.scalars(
        select(JobRun.day).where(JobRun.job == job.id, JobRun.day >= since, JobRun.status != "failed")))


def _claim(job_id: str, day: date, now: datetime) -> JobRun | None:
    """Take (job, day) inside the current transaction, or None when another run has it. A failed run may be retaken."""
    run = JobRun(job=job_id, day=day, status="running", started_at=now)
    db.session.add(run)
    try:
        db.session.flush()
        return run
    except IntegrityError:
        db.session.rollback()
    retaken = db.session.execute(
        update(JobRun).where(JobRun.job == job_id, JobRun.day == day, JobRun.status == "failed")
        .values(status="running", started_at=now, finished_at=None, error=None)
    ).rowcount
    if not retaken:
        db.session.rollback()
        return None
    return db.session.scalar(select(JobRun).where(JobRun.job == job_id, JobRun.day == day))


def _record_failure(job_id: str, day: date, now: datetime, error: Exception) -> None:
    """Keep the failure visible on the admin page; a later run of the same day may retake it."""
    values = dict(status="failed", finished_at=clock.as_utc(clock.now()), error=f"{type(error).__name__}: {error}")
    try:
        db.session.add(JobRun(job=job_id, day=day, started_at=now, **values))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        db.session.execute(update(JobRun).where(JobRun.job == job_id, JobRun.day == day,
                                                JobRun.status.in_(("failed", "running"))).values(**values))
        db.session.commit()


def _record_interval_run(job_id: str, day: date, now: datetime, status: str, count: int, counts: dict) -> None:
    """The mail and intake jobs run every few minutes: keep one row per day with the latest run (and its error)."""
    values = dict(status=status, started_at=now, finished_at=clock.as_utc(clock.now()), count=count,
                  summary=json.dumps(counts), error=counts.get("detail"))
    for _ in range(2):
        if db.session.execute(update(JobRun).where(JobRun.job == job_id, JobRun.day == day).values(**values)).rowcount:
            db.session.commit()
            return
        try:
            db.session.add(JobRun(job=job_id, day=day, **values))
            db.session.commit()
            return
        except IntegrityError:  # another process inserted it meanwhile: update theirs
            db.session.rollback()


def run(job_id: str, *, today: date | None = None, now: datetime | None = None) -> Result:
    """Run one job now. Daily jobs do their work at most once per day, whoever asks and however often."""
    job = JOBS[job_id]
    now = clock.as_utc(now or clock.now())
    today = today or now.astimezone(clock.BRUSSELS).date()
    db.session.rollback()  # start from a fresh transaction: the claim must be its first statement
    if not job.daily:
        try:
            status, count, counts = job.func(today, now)
        except Exception as error:  # noqa: BLE001 - recorded as failed, so the jobs page never shows a stale success
            db.session.rollback()
            log.exception("%s failed", job_id)
            status, count, counts = "failed", 0, {"detail": f"{type(error).__name__}: {error}"[:2000]}
        _record_interval_run(job_id, today, now, status, count, counts)
        health.record(job_id, status, now=now, error=counts.get("detail"))
        result = Result(job_id, today, status, count, counts)
        if count:
            log.info("%s: %s", job_id, result.summary)
        return result
    for attempt in (1, 2):  # a second try only when a staff member saved one of the cases meanwhile
        try:
            result = _run_daily(job, today, now)
            break
        except StaleCaseError as error:
            if attempt == 2:
                _record_failure(job.id, today, now, error)
                result = Result(job.id, today, "failed", error=str(error))
    health.record(job.id, result.status, now=now, error=result.error)
    return result


def _run_daily(job: Job, today: date, now: datetime) -> Result:
    run_row = _claim(job.id, today, now)
    if run_row is None:
        log.info("%s %s: already done", job.id, today)
        return Result(job.id, today, "already_done")
    try:
        status, count, counts = job.func(today, now)
        run_row.status, run_row.count, run_row.summary = status, count, json.dumps(counts)[:255]
        run_row.finished_at = clock.as_utc(clock.now())
        commit()  # the claim, the changes, the audit events and the outbox, together
    except StaleCaseError:
        raise  # commit() rolled back; the caller tries once more
    except Exception as error:
        db.session.rollback()
        log.exception("%s %s failed", job.id, today)
        _record_failure(job.id, today, now, error)
        return Result(job.id, today, "failed", error=str(error))
    result = Result(job.id, today, status, count, counts)
    log.info("%s %s: %s", job.id, today, result.summary)
    return result


def last_runs() -> dict[str, JobRun | None]:
    """The latest run of every job by when it ran (not by the day it ran for: `--today` may name a past day)."""
    return {
        job_id: db.session.scalar(
            select(JobRun).where(JobRun.job == job_id)
            .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1)
        )
        for job_id in JOBS
    }

"""The scheduler: times in Europe/Brussels, the working-day rule, and a missed run caught up at start."""
import os
import select
import signal
import subprocess
import sys
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from sqlalchemy import func
from sqlalchemy import select as sql_select

from caseflow.extensions import db
from caseflow.jobs import runner as jobs
from caseflow.jobs import scheduler
from caseflow.jobs.models import JobRun
from caseflow.mail.models import OutboxMessage
from tests.test_jobs import TODAY, Register

BRUSSELS = ZoneInfo("Europe/Brussels")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)


def test_daily_jobs_fire_at_their_time_in_brussels(app):
    escalate, reminders, mail_job = (jobs.JOBS[k] for k in ("escalate", "reminders", "mail"))
    assert scheduler.next_run(escalate, app.config, at("2026-03-10 05:00")) == at("2026-03-10 06:00")
    assert scheduler.next_run(reminders, app.config, at("2026-03-10 05:00")) == at("2026-03-10 08:00")
    after_dst = scheduler.next_run(reminders, app.config, at("2026-03-27 09:00"))  # Friday; summer time from Sunday
    assert after_dst == at("2026-03-30 08:00") and after_dst.utcoffset().total_seconds() == 2 * 3600
    interval = scheduler.next_run(mail_job, app.config, at("2026-03-10 05:00")) - at("2026-03-10 05:00")
    assert interval.total_seconds() == 60


def test_reminders_skip_weekends_and_belgian_holidays(app):
    reminders = jobs.JOBS["reminders"]
    assert scheduler.next_run(reminders, app.config, at("2026-04-03 09:00")) == at("2026-04-07 08:00")  # Easter Monday
    app.config["REMINDERS_WORKING_DAYS_ONLY"] = False
    try:
        assert scheduler.next_run(reminders, app.config, at("2026-04-03 09:00")) == at("2026-04-04 08:00")
    finally:
        app.config["REMINDERS_WORKING_DAYS_ONLY"] = True


def test_times_are_settings(app):
    app.config["REMINDERS_TIME"] = "07:30"
    try:
        assert scheduler.next_run(jobs.JOBS["reminders"], app.config, at("2026-03-10 05:00")) == at("2026-03-10 07:30")
        assert not scheduler.missed_today(jobs.JOBS["reminders"], app.config, at("2026-03-10 07:29"))
        assert scheduler.missed_today(jobs.JOBS["reminders"], app.config, at("2026-03-10 07:30"))
    finally:
        app.config["REMINDERS_TIME"] = "08:00"


def test_missed_runs_of_today_are_due_at_start(app):
    early = scheduler.build_scheduler(app, now_fn=lambda: at("2026-03-10 07:00"))
    late = scheduler.build_scheduler(app, now_fn=lambda: at("2026-03-10 09:30"))
    due_early = {job.id for job in early.get_jobs() if hasattr(job, "next_run_time")}
    due_late = {job.id for job in late.get_jobs() if hasattr(job, "next_run_time")}
    # 03:00, 05:30, 05:45, 05:50, 06:00 passed, 08:00 not
    assert due_early == {"escalate", "packages", "retention", "audit", "anchor"}
    assert due_late == {"escalate", "reminders", "packages", "retention", "audit", "anchor"}  # mail starts its interval
    assert "backup" not in {job.id for job in late.get_jobs()}  # off without CASEFLOW_BACKUP_DIR


def _start_and_wait(app, now_fn, job_ids, timeout=30):
    """Start a real BackgroundScheduler; return once the given jobs have run (or failed)."""
    done, finished = set(), threading.Event()

    def listener(event):
        done.add(event.job_id)
        if job_ids <= done:
            finished.set()

    sched = scheduler.build_scheduler(app, now_fn=now_fn)
    sched.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    sched.start()
    try:
        assert finished.wait(timeout), f"only {done} ran"
    finally:
        sched.shutdown(wait=True)


def test_a_scheduler_started_late_catches_up_once(app):
    Register()
    wednesday_0930 = lambda: at("2026-04-08 09:30")  # noqa: E731 - down at 06:00 and 08:00
    _start_and_wait(app, wednesday_0930, {"escalate", "reminders", "anchor"})
    db.session.expire_all()
    runs = {r.job: r for r in db.session.scalars(sql_select(JobRun).where(JobRun.day == TODAY))}
    assert (runs["escalate"].status, runs["escalate"].count) == ("done", 6)
    assert (runs["reminders"].status, runs["reminders"].count) == ("done", 3)
    queued = db.session.scalar(sql_select(func.count(OutboxMessage.id)))
    assert queued == 4  # 3 reminders and the admin's daily anchor; a working day, so no escalation email of its own

    _start_and_wait(app, wednesday_0930, {"escalate", "reminders", "anchor"})  # a restart the same morning
    db.session.expire_all()
    assert db.session.scalar(sql_select(func.count(OutboxMessage.id))) == queued
    assert db.session.scalar(sql_select(func.count(JobRun.id)).where(JobRun.day == TODAY)) == 6  # + packages, retention, audit, anchor


def _start_scheduler_command(app, *, sigint_ignored: bool):
    """`flask --app caseflow scheduler` in a child process, once it says it is running.

    sigint_ignored: start it as a shell starts a background job (SIGINT set to SIG_IGN, inherited), so
    the test means the same whether pytest runs in a terminal or in the background.
    """
    env = dict(os.environ, CASEFLOW_SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
               CASEFLOW_SECRET_KEY="test-only-secret", CASEFLOW_AUDIT_KEY="test-only-audit-key", CASEFLOW_ESCALATE_TIME="23:59",
               CASEFLOW_REMINDERS_TIME="23:59", CASEFLOW_PACKAGES_TIME="23:59", CASEFLOW_RETENTION_TIME="23:59", CASEFLOW_AUDIT_TIME="23:59",
               CASEFLOW_AUDIT_ANCHOR_TIME="23:59", PYTHONUNBUFFERED="1",
               CASEFLOW_AUDIT_ANCHOR_FILE=os.path.join(app.instance_path, "audit-anchors.log"))
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    disposition = signal.SIG_IGN if sigint_ignored else signal.SIG_DFL
    proc = subprocess.Popen([flask, "--app", "caseflow", "scheduler"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, disposition))
    output = ""
    while "scheduler running" not in output:
        ready, _, _ = select.select([proc.stdout], [], [], 30)
        assert ready, f"no start message: {output!r}"
        line = proc.stdout.readline()
        assert line, f"exited early: {output!r}"
        output += line
    return proc


@pytest.mark.parametrize("signum,sigint_ignored", [
    (signal.SIGINT, False),  # Ctrl+C in a terminal
    (signal.SIGINT, True),  # Ctrl+C after `fg`, or kill -INT, of a job a script started in the background
    (signal.SIGTERM, True),  # a service manager's stop
], ids=["ctrl-c", "ctrl-c-started-in-background", "sigterm"])
def test_flask_scheduler_command_stops_cleanly_when_interrupted(app, signum, sigint_ignored):
    proc = _start_scheduler_command(app, sigint_ignored=sigint_ignored)
    try:
        proc.send_signal(signum)
        assert proc.wait(timeout=30) == 0
        assert "scheduler stopped" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

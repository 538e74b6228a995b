"""APScheduler wiring: the jobs of caseflow.jobs at their times in Europe/Brussels, and today's missed runs at start.

`python run.py` starts a BackgroundScheduler next to the web app; `flask --app caseflow scheduler`
runs a BlockingScheduler alone. Several schedulers on one database are safe: daily jobs claim their day.
"""
import atexit
import logging
import signal
from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from caseflow import clock
from caseflow.jobs import runner as jobs
from caseflow.legal.deadlines import is_working_day

log = logging.getLogger(__name__)


def parse_time(text: str) -> time:
    """'08:00' -> time(8, 0)."""
    hours, _, minutes = str(text).partition(":")
    return time(int(hours), int(minutes or 0))


def trigger_for(job: jobs.Job, config):
    """A daily job at its configured time; the mail job every MAIL_INTERVAL_SECONDS."""
    tz = ZoneInfo(config["TIMEZONE"])
    if job.daily:
        at = parse_time(config[job.time_setting])
        return CronTrigger(hour=at.hour, minute=at.minute, timezone=tz)
    return IntervalTrigger(seconds=int(config[job.interval_setting]), timezone=tz)


def missed_today(job: jobs.Job, config, now: datetime) -> bool:
    """True for a daily job whose time today has passed: run it at start (its claim makes a done day a no-op)."""
    if not job.daily:
        return False
    return now.astimezone(ZoneInfo(config["TIMEZONE"])).time() >= parse_time(config[job.time_setting])


def next_run(job: jobs.Job, config, now: datetime, claimed: Collection[date] = ()) -> datetime:
    """When the job will next do something, for the admin page.

    A daily job does nothing on a day already claimed (say by `flask jobs run` earlier that day), and the
    reminders nothing on a non-working day: those fire times are passed over.
    """
    if not job.daily:
        return now + timedelta(seconds=int(config[job.interval_setting]))
    trigger = trigger_for(job, config)
    working_days_only = job.id == "reminders" and config["REMINDERS_WORKING_DAYS_ONLY"]
    fire = trigger.get_next_fire_time(None, now)
    while fire.date() in claimed or (working_days_only and not is_working_day(fire.date())):
        fire = trigger.get_next_fire_time(None, fire + timedelta(seconds=1))
    return fire


def _run(app, job_id: str, now_fn) -> None:
    """What APScheduler calls, in its own thread: one job in an app context, errors logged, never raised."""
    with app.app_context():
        try:
            jobs.run(job_id, now=now_fn())  # logs its own result
        except Exception:
            log.exception("job %s crashed", job_id)


def build_scheduler(app, *, blocking: bool = False, now_fn=clock.now):
    """A scheduler (not started) with every job of caseflow.jobs; today's missed daily runs are due at once."""
    config = app.config
    scheduler_class = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = scheduler_class(
        timezone=ZoneInfo(config["TIMEZONE"]),
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    started = now_fn()
    for job in jobs.JOBS.values():
        if not job.enabled(config):  # e.g. the daily backup without CASEFLOW_BACKUP_DIR
            continue
        options = {}
        if missed_today(job, config, started):
            options["next_run_time"] = clock.now()  # APScheduler fires on the wall clock: at once
        scheduler.add_job(_run, trigger_for(job, config), args=(app, job.id, now_fn), id=job.id, name=job.id,
                          **options)
    return scheduler


def _configure_logging() -> None:
    logger = logging.getLogger("caseflow")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def start(app) -> BackgroundScheduler:
    """Run the jobs in this process, next to the web app (python run.py)."""
    _configure_logging()
    scheduler = build_scheduler(app)
    scheduler.start()
    app.config["SCHEDULER_ENABLED"] = True
    atexit.register(lambda: scheduler.running and scheduler.shutdown(wait=True))
    log.info("scheduler started: %s", ", ".join(f"{j.id} next {j.next_run_time:%Y-%m-%d %H:%M}"
                                                 for j in scheduler.get_jobs()))
    return scheduler


def run_forever(app) -> None:
    """Run the scheduler alone until interrupted (flask --app caseflow scheduler)."""
    _configure_logging()
    scheduler = build_scheduler(app, blocking=True)
    app.config["SCHEDULER_ENABLED"] = True
    # Explicit handlers: started in the background by a non-interactive shell, SIGINT arrives ignored
    # (SIG_IGN is inherited) and Python would not turn Ctrl+C into KeyboardInterrupt. SIGTERM: a service manager.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _exit)
    try:
        log.info("scheduler running; Ctrl+C stops it")
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopping: finishing the running job")
        if scheduler.running:
            scheduler.shutdown(wait=True)
    log.info("scheduler stopped")


def _exit(signum, frame):
    """Leave the scheduler's wait in the main thread; run_forever then lets the running job finish."""
    raise SystemExit(0)

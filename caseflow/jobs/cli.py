"""Flask commands for the scheduled jobs: `jobs run JOB [--today]`, `jobs preview reminders [--today]`, `scheduler`.

They read the same settings as the server (config.py, instance/config.py, CASEFLOW_* variables) and say which
links and mail delivery they use: python run.py derives its links from HOST/PORT, a command cannot know those,
so set CASEFLOW_BASE_URL (or BASE_URL in instance/config.py) whenever the server is not on the default address.
"""
import os

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from caseflow import clock
from caseflow.jobs import runner as jobs
from caseflow.jobs import scheduler

jobs_cli = AppGroup("jobs", help="Run the scheduled jobs by hand.")
BASE_URL_RULE = "CASEFLOW_BASE_URL, else http://HOST:PORT as `make run` serves"


def link_base_url(app, environ=os.environ) -> str:
    """The server's address, by the same rule as run.py: CASEFLOW_BASE_URL (or instance/config.py) when set,
    else HOST and PORT from the environment, as `PORT=5077 make run` serves; so a job run by hand links where
    the server is."""
    from config import Config

    if app.config["BASE_URL"] == Config.BASE_URL and ("PORT" in environ or "HOST" in environ):
        host, port = environ.get("HOST", "127.0.0.1"), int(environ.get("PORT", "5000"))
        link_host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host  # nosec B104  # compared, not bound
        app.config["BASE_URL"] = f"http://{f'[{link_host}]' if ':' in link_host else link_host}:{port}"
    return app.config["BASE_URL"]


@jobs_cli.command("run")
@click.argument("job", type=click.Choice(list(jobs.JOBS)))
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Run as if it were this day (YYYY-MM-DD); default: today in Europe/Brussels.")
def run_job(job, today):
    """Run one job now; a daily job does nothing if it already ran that day. Queued mail is delivered at once.

    A past --today is allowed (to catch up a missed day); a future one is refused: its claim would make
    the real run of that day do nothing.
    """
    day = today.date() if today else None
    _say_settings()
    real_today = clock.today()
    if day is not None and day > real_today:
        raise click.BadParameter(
            f"{day.isoformat()} is in the future (today is {real_today.isoformat()} in Europe/Brussels); "
            "running it now would leave nothing for the real run of that day.", param_hint="--today")
    result = jobs.run(job, today=day)
    click.echo(str(result))
    if job != "mail" and result.status == "done":
        click.echo(str(jobs.run("mail")))  # delivered now, recorded under the real day
    if result.status == "failed":
        raise click.ClickException(f"{job} failed: {result.summary}")


def _say_settings() -> None:
    config = current_app.config
    delivery = (f"SMTP {config['MAIL_SERVER']}:{config.get('MAIL_PORT') or 'default port'}" if config.get("MAIL_SERVER")
                else f"no mail server: .eml files in {current_app.instance_path}/mail")
    click.echo(f"links in emails use {link_base_url(current_app)} ({BASE_URL_RULE}) · mail: {delivery}", err=True)


@jobs_cli.command("preview")
@click.argument("job", type=click.Choice(["reminders"]))
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The reminders of this day (YYYY-MM-DD); default: today in Europe/Brussels.")
def preview(job, today):
    """Print the day's reminder emails (recipient, subject, text) without sending or recording anything."""
    day = today.date() if today else clock.today()
    _say_settings()
    if not jobs.reminders_go_out(day):
        click.echo(f"{day.isoformat()} is not a working day: no reminders go out (shown anyway).", err=True)
    messages = jobs.reminder_messages(day)
    for user, subject, text, _html in messages:
        click.echo(f"To: {user.name} <{user.email}>\nSubject: {subject}\n\n{text.rstrip()}\n\n{'=' * 72}")
    click.echo(f"{len(messages)} reminder(s) for {day.isoformat()}; nothing was sent.", err=True)


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduler alone (for a deployment where the web app runs under a WSGI server)."""
    scheduler.run_forever(current_app._get_current_object())


commands = (jobs_cli, scheduler_command)

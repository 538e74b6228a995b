"""Flask commands for the scheduled jobs: `jobs run escalate|reminders|mail [--today]` and `scheduler`."""
import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from . import jobs, scheduler

jobs_cli = AppGroup("jobs", help="Run the scheduled jobs by hand.")


@jobs_cli.command("run")
@click.argument("job", type=click.Choice(list(jobs.JOBS)))
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Run as if it were this day (YYYY-MM-DD); default: today in Europe/Brussels.")
def run_job(job, today):
    """Run one job now; a daily job does nothing if it already ran that day. Queued mail is delivered at once."""
    day = today.date() if today else None
    result = jobs.run(job, today=day)
    click.echo(str(result))
    if job != "mail" and result.status == "done":
        click.echo(str(jobs.run("mail", today=day)))
    if result.status == "failed":
        raise click.ClickException(f"{job} failed: {result.summary}")


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduler alone (for a deployment where the web app runs under a WSGI server)."""
    scheduler.run_forever(current_app._get_current_object())


def register(app) -> None:
    app.cli.add_command(jobs_cli)
    app.cli.add_command(scheduler_command)

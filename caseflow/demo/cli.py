"""`flask --app caseflow demo seed [--cases N]`: demo cases, replayed through the services or written in bulk."""
import secrets
from collections import Counter

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from caseflow import clock
from caseflow.demo.seed import demo_staff, real_case_count, seed_cases
from caseflow.extensions import db
from caseflow.legal.rights import STATUSES
from caseflow.models import Case
from caseflow.services import ServiceError

demo_cli = AppGroup("demo", help="Demo data for trying Caseflow out.")
BULK_FROM = 500  # more cases than this are written in bulk instead of replayed through the services


@demo_cli.command("seed")
@click.option("--cases", "count", type=click.IntRange(1, 1_000_000), default=40, show_default=True,
              help=f"How many; above {BULK_FROM} written in bulk over five years (caseflow/demo/bulk.py).")
@click.option("--seed", "seed_value", type=int, help="Random seed; the same seed (and day) gives the same cases.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Replay up to this day (default: today, Brussels).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already holds cases (make demo).")
@click.option("--force", is_flag=True, help="Add demo cases even to a database with real cases (never do this).")
def seed_command(count, seed_value, today, if_empty, force):
    """Fill the register with realistic demo cases; each run adds more (it never deletes anything).

    Demo cases belong in a demo database (`make demo`: instance/demo.sqlite), never in the real register:
    on a database with real cases this refuses, unless --force.
    """
    total = db.session.scalar(select(func.count(Case.id)))
    if if_empty and total:
        click.echo(f"The database already holds {total} cases: nothing added.")
        return
    real = real_case_count()
    if real and not force:
        raise click.ClickException(
            f"this database holds {real} real (non-demo) cases: demo cases would mix into the real register. "
            "Use a separate demo database (make demo), or --force.")
    today = today.date() if today else clock.today()
    if today > clock.today():
        raise click.BadParameter("cannot be in the future", param_hint="--today")
    seed_value = secrets.randbelow(100_000) if seed_value is None else seed_value
    if count > BULK_FROM:
        from caseflow.demo.bulk import seed_bulk

        statuses = seed_bulk(count, seed=seed_value, today=today, staff=demo_staff(click.echo), echo=click.echo)
        click.echo(f"Created {count} demo cases in bulk (seed {seed_value}, today {today}).")
        click.echo("  " + " · ".join(f"{key} {statuses.get(key, 0)}" for key in STATUSES))
        return
    try:
        cases = seed_cases(count, seed=seed_value, today=today, echo=click.echo)
    except ServiceError as error:
        raise click.ClickException(f"a demo case broke a rule: {error.message}") from None
    statuses = Counter(c.status for c in cases)
    refs = sorted(c.reference for c in cases)
    click.echo(f"Created {len(cases)} demo cases {refs[0]} … {refs[-1]} (seed {seed_value}, today {today}).")
    click.echo("  " + " · ".join(f"{key} {statuses[key]}" for key in STATUSES))
    click.echo(f"  overdue {sum(c.is_open and not c.is_suspended and c.days_left(today) < 0 for c in cases)} · "
               f"extended {sum(c.extended for c in cases)} · waiting for identity over 30 days "
               f"{sum(c.is_suspended and (today - c.identity_requested_on).days > 30 for c in cases)}")

commands = (demo_cli,)

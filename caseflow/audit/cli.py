"""`flask --app caseflow audit verify`: walk the whole audit chain; exit 1 and name the first broken link."""
import click
from flask.cli import AppGroup
from flask_babel import force_locale

from caseflow.audit.verify import verify_all
from caseflow.extensions import db

audit_cli = AppGroup("audit", help="Check the audit trail.")


@audit_cli.command("verify")
def verify_command():
    """Check every audit event's hash against its content and the event before it."""
    report = verify_all(db.session)
    if report.ok:
        click.echo(f"audit chain intact: {report.checked} events, latest hash {report.latest_hash}")
        return
    with force_locale("en"):  # the command line speaks English, as the other commands do
        _print_breaks(report)
    raise SystemExit(1)


def _print_breaks(report) -> None:
    click.echo(f"audit chain BROKEN: {len(report.breaks)} broken link(s) in {report.checked} events", err=True)
    click.echo(f"first broken link: {report.first.describe()}", err=True)
    for item in report.breaks[1:]:
        click.echo(f"also: {item.describe()}", err=True)


commands = (audit_cli,)

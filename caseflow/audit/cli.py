"""`flask --app caseflow audit verify`: walk the whole audit chain, compare it with the anchors (and with a head
kept from an email: `--expect`); exit 1 and name the first broken link. `audit anchor`: anchor the head now."""
import re

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from caseflow import clock
from caseflow.audit import anchor as anchors
from caseflow.audit.chain import current_key
from caseflow.audit.verify import anchor_label, verify_all
from caseflow.extensions import db

audit_cli = AppGroup("audit", help="Check the audit trail.")
LINK = re.compile(r"[0-9a-f]{64}")


@audit_cli.command("verify")
@click.option("--expect", "expect", metavar="LINK", default=None,
              help="A head kept from an anchor email: it must be the link of an event of the chain that verifies.")
def verify_command(expect):
    """Check every audit event's link under the audit key, and the chain against the anchors outside the
    database. Exit 0: intact; 1: broken (or the expected head is not in the chain)."""
    wanted = (expect or "").strip().lower() or None
    if wanted is not None and not LINK.fullmatch(wanted):
        click.echo(f"--expect {expect!r} is not a head: a head is 64 hexadecimal characters", err=True)
        raise SystemExit(1)
    with force_locale("en"):  # the command line speaks English, as the other commands do
        try:
            report = verify_all(db.session, expect=wanted)
        except Exception as error:  # noqa: BLE001 - one clear line, never a traceback
            click.echo(f"audit chain could not be checked: {type(error).__name__}: {error}", err=True)
            raise SystemExit(1)
        if not report.ok:
            _print_breaks(report)
        else:
            click.echo(f"audit chain intact: {report.checked} events, latest hash {report.latest_hash}")
            _print_anchors(report)
        if wanted is not None and report.expected_id is None:
            click.echo(f"head {wanted} NOT in the audit chain: no event that verifies has this link, so the events "
                       "up to it were rewritten or deleted, or it was never a head of this chain", err=True)
        elif wanted is not None:
            click.echo(f"head {wanted} is in the chain: event {report.expected_id}")
        if not report.ok or (wanted is not None and report.expected_id is None):
            raise SystemExit(1)


def _print_anchors(report) -> None:
    if report.relinked is not None:
        head = report.relinked
        click.echo(f"re-linked under the audit key on {clock.as_utc(head.relinked_at).date().isoformat()}: "
                   f"{head.relinked_events} events, from the unkeyed head {head.relinked_from}")
    if report.anchor is None:
        click.echo("not anchored yet: `flask --app caseflow audit anchor` (or the daily anchor job) writes the "
                   "head outside the database")
        return
    click.echo(f"matches {report.anchors} anchor(s); the latest: {anchor_label(report.anchor)}, "
               f"{report.anchor.events} events up to event {report.anchor.last_id}")


def _print_breaks(report) -> None:
    click.echo(f"audit chain BROKEN: {report.total} broken link(s) in {report.checked} events", err=True)
    click.echo(f"first broken link: {report.first.describe()}", err=True)
    for item in report.breaks[1:]:
        click.echo(f"also: {item.describe()}", err=True)
    if report.total > len(report.breaks):
        click.echo(f"and {report.total - len(report.breaks)} more", err=True)


@audit_cli.command("anchor")
@click.option("--after-restore", is_flag=True,
              help="After restoring a backup: the events written since it are gone for a reason you know; "
                   "from this anchor on, the earlier anchors are no longer compared.")
def anchor_command(after_restore):
    """Write the chain's head (events, last event, its link, the time) as a line of the anchor file."""
    path = anchors.path_of(current_app)
    try:
        item = anchors.record(db.session, path, current_key(), now=clock.now(),
                              kind="restore" if after_restore else "anchor")
    except OSError as error:
        click.echo(f"could not write the anchor file {path}: {error}", err=True)
        raise SystemExit(1)
    click.echo(f"anchored in {path}: {item.events} events, last event {item.last_id}, head {item.head}")
    if after_restore:
        click.echo("earlier anchors are history from here on: `audit verify` compares the chain with this one "
                   "and those after it")


commands = (audit_cli,)

"""`flask --app caseflow intake parse FILE.eml...`: what Caseflow reads in an email, as one JSON object per file."""
import json

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from caseflow.extensions import db
from caseflow.intake import service as services

intake_cli = AppGroup("intake", help="Email intake.")


@intake_cli.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def parse_command(files):
    """Print the parse of each email file (nothing is stored); a reply to a letter is matched against the database."""
    for path in files:
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as error:
            click.echo(json.dumps({"file": path, "valid": False, "error": f"unreadable: {error.strerror}"}))
            continue
        click.echo(json.dumps(services.parse(raw, file=path, lookup=_lookup).as_json(), ensure_ascii=False))


def _lookup(message_ids):
    """The case of the letter a reply answers; nothing when there is no database (yet) to ask."""
    try:
        return services.reference_for(message_ids)
    except SQLAlchemyError:
        db.session.rollback()
        return None


commands = (intake_cli,)

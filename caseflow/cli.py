"""Flask commands: the operations interface (DESIGN §4)."""
import sys

import click
from flask.cli import AppGroup

from caseflow import jobs_cli
from caseflow.audit.cli import audit_cli
from caseflow.backup import cli as backup_cli
from caseflow.demo import demo_cli
from caseflow.services import ServiceError
from caseflow.services import users as user_service

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Full name as shown to colleagues.")
@click.option("--admin", is_flag=True, help="Make the account an administrator.")
@click.option("--locale", type=click.Choice(["nl", "en"]), default="nl", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting.")
def create_user(email, name, admin, locale, password_stdin):
    """Create a staff account (password prompted, or read with --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = user_service.create_user(email=email, name=name, password=password, is_admin=admin, locale=locale)
    except ServiceError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Created {'administrator' if user.is_admin else 'staff member'} {user.name} <{user.email}>.")


def register(app) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(audit_cli)
    backup_cli.register(app)
    jobs_cli.register(app)

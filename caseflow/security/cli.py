"""`flask --app caseflow users create EMAIL --name NAME [--admin]`: staff accounts from the command line."""
import sys

import click
from flask.cli import AppGroup

from caseflow.security import users as user_service
from caseflow.services import ServiceError

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


commands = (users_cli,)

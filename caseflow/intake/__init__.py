"""Email intake: parse emails (parse.py), take them in from an upload or the polled mailbox (services.py,
poll.py), triage them (routes.py) and keep them with their cases."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("intake", __name__)

AUDIT_ACTIONS = {
    "email_received": _l("Email from the requester added to the case"),
}


def register(app) -> None:
    """Blueprint, CLI, the audit trail's words and the menu's count of untriaged emails."""
    from caseflow import filters
    from caseflow.intake import cli, routes  # noqa: F401  (routes register on bp)
    from caseflow.intake.services import untriaged_count

    app.register_blueprint(bp)
    app.cli.add_command(cli.intake_cli)
    filters.AUDIT_ACTIONS.update(AUDIT_ACTIONS)
    filters.DETAIL_KINDS.setdefault("email_received", ("date", None))
    app.jinja_env.globals["untriaged_count"] = untriaged_count

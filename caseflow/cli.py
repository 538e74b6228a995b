"""Flask commands: the operations interface (docs/architecture.md, "Operations").

Each package with commands has a cli.py that lists them in `commands`; this module only puts them together."""
from caseflow.audit import cli as audit
from caseflow.backup import cli as backup
from caseflow.demo import cli as demo
from caseflow.intake import cli as intake
from caseflow.jobs import cli as jobs
from caseflow.security import cli as security

PACKAGES = (security, demo, audit, backup, jobs, intake)


def register(app) -> None:
    for package in PACKAGES:
        for command in package.commands:
            app.cli.add_command(command)

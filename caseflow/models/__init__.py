"""The tables, split by topic: staff (users.py), cases and their trail (cases.py), letters and data packages
(letters.py), column types (types.py). Packages with tables of their own keep them in their models.py (mail, jobs,
intake, audit, security); caseflow.create_app imports them all, so the schema is whole before the first query."""
from caseflow.models.cases import (  # noqa: F401  (the public names of the models package)
    AuditEvent,
    Case,
    CaseCounter,
    CaseRight,
    ImmutableAuditError,
    ResolutionAction,
    Suspension,
)
from caseflow.models.letters import Letter, PackageFile  # noqa: F401
from caseflow.models.types import UTCDateTime, utcnow  # noqa: F401
from caseflow.models.users import User  # noqa: F401

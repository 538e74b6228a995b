"""The register's rows as shown: each row's texts worked out in Python, once per row.

A page lists 25 cases. Worked out in the template (a macro, a translation lookup per badge, the deadline four
times over), the rows were most of the page's time."""
from dataclasses import dataclass
from datetime import date

from flask import url_for
from flask_babel import get_translations
from flask_babel import gettext as _

from caseflow.legal.rights import RIGHTS, STATUSES
from caseflow.legal.urgency import DeadlineState, deadline_state
from caseflow.web.filters import Badge, deadline_badges


@dataclass(frozen=True, slots=True)
class Row:
    case: object  # models.Case
    url: str
    rights: str  # the rights invoked, named in the reader's language
    status: str
    state: DeadlineState
    badges: list[Badge]
    assignee: str  # "—" when nobody


def staff_label(user) -> str:
    """A colleague's name, marked when the account is deactivated (a case may still be theirs)."""
    return user.name if user.active else _("%(name)s (deactivated)", name=user.name)


def rows(cases, today: date, warning_days: int) -> list[Row]:
    t = get_translations()
    right_names = {key: str(label) for key, (label, _article) in RIGHTS.items()}  # translated once a page,
    status_names = {key: str(label) for key, label in STATUSES.items()}  # not once a row
    # a case's page is /cases/<id>: the register's URL built once a page, not once a row (a URL build costs about
    # as much as the rest of the row)
    cases_url = url_for("cases.index")
    result = []
    for case in cases:
        state = deadline_state(case, today, warning_days)
        who = "—" if case.assignee is None else staff_label(case.assignee)
        result.append(Row(
            case=case, url=f"{cases_url}/{case.id}",
            rights=", ".join(right_names[r.right] for r in case.rights), status=status_names[case.status],
            state=state, badges=deadline_badges(case, state, t), assignee=who,
        ))
    return result

"""What staff are told: the daily reminder digest and escalation notices, built from the escalation ladder."""
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, format_date, ngettext
from flask_babel import gettext as _

from caseflow import clock
from caseflow.legal.escalation import DECIDE_EXTENSION, DUE_SOON, IDENTITY_WAIT, OVERDUE
from caseflow.mail import outbox as mail

GROUPS = (OVERDUE, DUE_SOON, DECIDE_EXTENSION, IDENTITY_WAIT)  # the order of the sections in an email


@dataclass
class Line:
    """One case as a line in an email."""

    reference: str
    requester: str
    rights: list[str]
    deadline: date
    days_left: int
    level: str | None
    url: str
    assignee: str | None = None
    waiting_since: date | None = None
    waited_days: int = 0
    unassigned: bool = False  # nobody (active) is assigned: shown to admins, marked "not assigned"
    extension_untold: bool = False  # extension decided, notice not sent: it does not count yet (Art. 12(3))
    colleague: bool = False  # in an admin's overdue list: a case assigned to somebody else, who is named


@dataclass
class Digest:
    """Everything one staff member gets in one email."""

    user: object
    groups: dict[str, list[Line]] = field(default_factory=dict)  # for admins incl. unassigned cases on that rung
    unassigned: list[Line] = field(default_factory=list)  # admins only: unassigned cases on no rung (yet)
    open_total: int | None = None  # admins only
    untriaged: int = 0  # emails in the triage inbox nobody has dealt with (caseflow.intake)
    chain_hash: str | None = None  # admins only: the audit chain's latest hash, kept in delivered mail
    quarantined: int = 0  # admins only: emails in quarantine (caseflow.intake)
    intake_ok_at: object = None  # admins only, with a mailbox: when intake last ran without trouble
    intake_configured: bool = False

    @property
    def empty(self) -> bool:
        return not any(self.groups.values()) and not self.unassigned and not self.untriaged and not self.quarantined

    @property
    def unassigned_key(self) -> str:
        """The heading of the unassigned section: 'other' ones when unassigned cases were listed by rung above."""
        return "unassigned_other" if any(ln.unassigned for lines in self.groups.values() for ln in lines) \
            else "unassigned"

    def count(self, *levels, unassigned_only=False) -> int:
        return sum(1 for level in levels for ln in self.groups.get(level, ()) if ln.unassigned or not unassigned_only)


def case_url(case_id: int) -> str:
    """An absolute link to the case page, on BASE_URL (emails are rendered outside any request)."""
    parts = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http")
    return adapter.build("cases.show", {"case_id": case_id}, force_external=True)


def line(case, level: str | None, today: date, unassigned: bool = False, colleague: bool = False) -> Line:
    return Line(
        reference=case.reference,
        requester=case.requester_name,
        rights=case.right_keys,
        deadline=case.current_deadline(today),
        days_left=case.days_left(today),
        level=level,
        url=case_url(case.id),
        assignee=case.assignee.name if case.assignee else None,
        waiting_since=case.identity_requested_on,
        waited_days=(today - case.identity_requested_on).days if case.identity_requested_on else 0,
        unassigned=unassigned,
        colleague=colleague,
        extension_untold=case.extended and not case.extension_notified,
    )


def _sorted(lines: list[Line]) -> list[Line]:
    return sorted(lines, key=lambda item: (item.deadline, item.reference))


def _is_unassigned(case) -> bool:
    return case.assignee is None or not case.assignee.active  # incl. staff who left


def digest_for(user, cases: list, levels: dict, today: date, open_total: int) -> Digest:
    """The user's assigned open cases that need action, by rung.

    Admins also get the unassigned cases: those on a rung in that rung's section (an overdue case nobody
    is assigned to is first of all overdue), marked "not assigned"; the others in a section of their own.
    And every overdue case, whoever it is assigned to: the overdue list reaches admins once a day, here,
    not in a second email (docs/architecture.md §3: overdue is escalated to every admin).
    """
    digest = Digest(user=user)
    mine = [c for c in cases if c.assignee_id == user.id]
    nobody = [c for c in cases if _is_unassigned(c)] if user.is_admin else []
    others = [c for c in cases if c.assignee_id != user.id and not _is_unassigned(c)] if user.is_admin else []
    for level in GROUPS:
        lines = [line(c, level, today) for c in mine if levels.get(c.id) == level]
        lines += [line(c, level, today, unassigned=True) for c in nobody if levels.get(c.id) == level]
        if level == OVERDUE:
            lines += [line(c, level, today, colleague=True) for c in others if levels.get(c.id) == level]
        if lines:
            digest.groups[level] = _sorted(lines)
    if user.is_admin:
        digest.unassigned = _sorted([line(c, levels.get(c.id), today, unassigned=True)
                                     for c in nobody if levels.get(c.id) not in GROUPS])
        digest.open_total = open_total
    return digest


def summary(counts: dict, warning_days: int) -> str:
    """'2 cases overdue (1 of them unassigned), 3 due within 7 days' in the current language; no zero parts.

    counts: overdue, soon, extension, identity (one per section of the reminder, so subject and body agree), each with an optional "<key>_unassigned" (how many of them nobody is
    assigned to), and unassigned: the unassigned cases not counted in those.
    """
    def flagged(text, key):
        total, nobody = counts.get(key, 0), counts.get(f"{key}_unassigned", 0)
        if not nobody:
            return text
        if nobody == total:
            return _("%(part)s (unassigned)", part=text)
        return _("%(part)s (%(num)d of them unassigned)", part=text, num=nobody)

    parts = []
    if counts.get("overdue"):
        parts.append(flagged(ngettext("%(num)d case overdue", "%(num)d cases overdue", counts["overdue"]),
                             "overdue"))
    if counts.get("soon"):
        days = ngettext("%(num)d day", "%(num)d days", warning_days)
        parts.append(flagged(ngettext("%(num)d due within %(days)s", "%(num)d due within %(days)s",
                                      counts["soon"], days=days), "soon"))
    if counts.get("extension"):
        parts.append(flagged(ngettext("%(num)d to decide on an extension", "%(num)d to decide on an extension",
                                      counts["extension"]), "extension"))
    if counts.get("identity"):
        parts.append(flagged(ngettext("%(num)d waiting for identity", "%(num)d waiting for identity",
                                      counts["identity"]), "identity"))
    if counts.get("unassigned"):
        if any(counts.get(f"{key}_unassigned") for key in ("overdue", "soon", "extension", "identity")):
            parts.append(ngettext("%(num)d more unassigned", "%(num)d more unassigned", counts["unassigned"]))
        else:
            parts.append(ngettext("%(num)d unassigned", "%(num)d unassigned", counts["unassigned"]))
    if counts.get("untriaged"):
        parts.append(ngettext("%(num)d email to triage", "%(num)d emails to triage", counts["untriaged"]))
    return ", ".join(parts)


def _headings(warning_days: int, identity_wait_days: int) -> dict:
    """Section titles and what to do, per rung, in the current language."""
    return {
        OVERDUE: (_("Overdue"), _("The deadline has passed and the case is still open: answer the requester now.")),
        DECIDE_EXTENSION: (
            _("Decide on an extension"),
            _("No extension in force and due soon. An extension by two months counts only if the requester "
              "is told before the original deadline."),
        ),
        DUE_SOON: (ngettext("Due within %(num)d day", "Due within %(num)d days", warning_days), ""),
        IDENTITY_WAIT: (
            _("Waiting for proof of identity"),
            ngettext("No answer for %(num)d day or more: consider closing the case as unverified.",
                     "No answer for %(num)d days or more: consider closing the case as unverified.",
                     identity_wait_days),
        ),
        "unassigned": (_("Unassigned"), _("Nobody has been assigned to these cases yet.")),
        "unassigned_other": (_("Other unassigned cases"),
                             _("Not urgent yet, but nobody has been assigned to these cases.")),
    }


def render_reminder(digest: Digest, today: date) -> tuple[str, str, str]:
    """Subject, text and HTML of a daily reminder, in the recipient's language."""
    config = current_app.config
    with force_locale(digest.user.locale or "nl"):
        rungs = {"overdue": (OVERDUE,), "soon": (DUE_SOON,), "extension": (DECIDE_EXTENSION,),
                 "identity": (IDENTITY_WAIT,)}
        counts = {"unassigned": len(digest.unassigned), "untriaged": digest.untriaged}
        for key, levels in rungs.items():
            counts[key] = digest.count(*levels)
            counts[f"{key}_unassigned"] = digest.count(*levels, unassigned_only=True)
        subject = "Caseflow: " + summary(counts, config["WARNING_DAYS"])
        headings = _headings(config["WARNING_DAYS"], config["IDENTITY_WAIT_DAYS"])
        text, html = mail.render("reminder", digest.user.locale, digest=digest, user=digest.user, today=today,
                                 headings=headings, groups=GROUPS, base_url=config["BASE_URL"], subject=subject)
    return subject, text, html


def render_escalation(user, lines: list[Line], today: date) -> tuple[str, str, str]:
    """Subject, text and HTML of the notice that cases were escalated today."""
    config = current_app.config
    groups = {level: _sorted([ln for ln in lines if ln.level == level]) for level in (OVERDUE, IDENTITY_WAIT)}
    with force_locale(user.locale or "nl"):
        counts = {"overdue": len(groups[OVERDUE]), "identity": len(groups[IDENTITY_WAIT])}
        subject = _("Caseflow escalation: %(summary)s", summary=summary(counts, config["WARNING_DAYS"]))
        headings = _headings(config["WARNING_DAYS"], config["IDENTITY_WAIT_DAYS"])
        text, html = mail.render("escalation", user.locale, groups=groups, user=user, today=today,
                                 headings=headings, base_url=config["BASE_URL"], subject=subject)
    return subject, text, html


def tell_assignee(case, assignee, actor, *, now) -> None:
    """A short email to a staff member a colleague gave the case to (never for one's own choice), queued in the
    caller's unit of work."""
    if assignee is None or actor is None or assignee.id == actor.id or not assignee.active:
        return
    config = current_app.config
    today = now.astimezone(clock.BRUSSELS).date()
    with force_locale(assignee.locale or "nl"):
        subject = _("Caseflow: case %(ref)s assigned to you", ref=case.reference)
        text, html = mail.render("assigned", assignee.locale, user=assignee, actor=actor, line=line(case, None, today),
                                 suspended=case.is_suspended, base_url=config["BASE_URL"], subject=subject)
    mail.enqueue(recipient=assignee.email, subject=subject, text=text, html=html, kind="assigned", user=assignee,
                 locale=assignee.locale, now=now)


def render_chain_alert(user, report, today: date) -> tuple[str, str, str]:
    """Subject, text and HTML of the alert that the audit chain no longer verifies."""
    config = current_app.config
    with force_locale(user.locale or "nl"):
        subject = _("Caseflow: the audit trail has been tampered with")
        text, html = mail.render("audit_alert", user.locale, user=user, today=today, report=report,
                                 base_url=config["BASE_URL"], subject=subject)
    return subject, text, html


def render_anchor(user, anchor, today: date) -> tuple[str, str, str]:
    """Subject, text and HTML of the daily email with the audit chain's head (caseflow.audit.anchor): kept in the
    admins' mailboxes, where nobody who can change the database can change it."""
    config = current_app.config
    with force_locale(user.locale or "nl"):
        subject = _("Caseflow: audit trail head of %(date)s", date=format_date(today, "d MMMM y"))
        text, html = mail.render("audit_anchor", user.locale, user=user, today=today, anchor=anchor,
                                 base_url=config["BASE_URL"], subject=subject)
    return subject, text, html

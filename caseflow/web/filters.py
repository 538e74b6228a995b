"""Jinja filters and globals: dates the Flemish way, labels for the case vocabulary, deadline colours."""
from dataclasses import dataclass
from datetime import date, timezone
from functools import lru_cache

from flask import current_app
from flask_babel import format_date, format_datetime, get_locale, get_translations, gettext, ngettext
from flask_babel import lazy_gettext as _l

from caseflow import clock
from caseflow.legal.deadline_text import case_explanation, explanation_line, extension_posting_day
from caseflow.legal.rights import (
    CHANNELS,
    DELIVERIES,
    IDENTITY_CHECK_NAMES,
    LETTER_KINDS,
    OUTCOMES,
    PASSPHRASE_CHANNELS,
    REFUSAL_CODES,
    RIGHTS,
    STATUSES,
    SYSTEMS,
)
from caseflow.legal.urgency import deadline_state
from caseflow.mail import outbox as mail

LABELS = {
    "right": {k: v[0] for k, v in RIGHTS.items()},
    "channel": CHANNELS,
    "status": STATUSES,
    "outcome": OUTCOMES,
    "refusal_code": REFUSAL_CODES,
    "system": SYSTEMS,
    "letter_kind": LETTER_KINDS,
    "delivery": DELIVERIES,
    "outbox_status": mail.STATUSES,
    "identity_check": IDENTITY_CHECK_NAMES,
    "requester_field": {
        "requester_name": _l("Name"),
        "requester_email": _l("Email address"),
        "requester_address": _l("Postal address"),
        "customer_number": _l("Customer number"),
        "requester_salutation": _l("Salutation"),
    },
    "passphrase_channel": PASSPHRASE_CHANNELS,
    "escalation": {
        "due_soon": _l("Due soon"),
        "decide_extension": _l("Decide on extension"),
        "identity_wait": _l("Waiting for identity too long"),
        "overdue": _l("Overdue"),
    },
}


AUDIT_ACTIONS = {
    "case_opened": _l("Case opened"),
    "assigned": _l("Assigned"),
    "requester_changed": _l("Requester's details corrected"),
    "identity_requested": _l("Proof of identity requested"),
    "identity_verified": _l("Identity verified"),
    "clarification_received": _l("Answer to the request for clarification received"),
    "deadline_changed": _l("Deadline moved by the days the clock was suspended"),
    "extended": _l("Extension by two months decided (it counts once the requester is told)"),
    "extension_in_force": _l("Extension in force: the requester has been told"),
    "status_changed": _l("Status changed"),
    "action_recorded": _l("Action taken"),
    "outcome_set": _l("Outcome set"),
    "outcome_cleared": _l("Outcome withdrawn: the identity has been verified, so the right must be decided anew"),
    "closed": _l("Case closed"),
    "reopened": _l("Case reopened by an administrator"),
    "close_on_delivery": _l("To be closed once the answer is delivered"),
    "close_on_delivery_dropped": _l("Not closed after the answer was delivered: a rule no longer holds"),
    "identity_copy_destroyed": _l("Identity document seen"),
    "item_not_applicable": _l("Checklist item not applicable"),
    "letter_sent": _l("Letter sent to the requester"),
    "letter_failed": _l("Email to the requester could not be delivered"),
    "extension_not_in_force": _l("Extension not in force: the extension notice did not reach the requester"),
    "package_file_added": _l("File added to the data package"),
    "package_file_removed": _l("File removed from the data package"),
    "package_downloaded": _l("Data package downloaded"),
    "letter_posted": _l("Proof of posting recorded (registered letter)"),
    "evidence_downloaded": _l("Case summary (evidence pack) downloaded"),
    "package_passphrase": _l("Passphrase of the encrypted data package given to the requester"),
    "package_purged": _l("Data package files deleted from the server (retention period over)"),
    "escalated": _l("Escalated by the system"),
    "deescalated": _l("Escalation lowered by the system"),
    "anonymised": _l("Personal data removed at the end of the retention period"),
}


def audit_label(action: str) -> str:
    return AUDIT_ACTIONS.get(action, action)


def label(key, kind: str) -> str:
    return LABELS[kind].get(key, key) if key else ""


def long_date(d) -> str:
    """25 november 2026"""
    return _long_date(d, str(get_locale())) if d else ""


@lru_cache(maxsize=4096)  # the reminders and the register write the same few hundred dates over and over
def _long_date(d, locale: str) -> str:
    return format_date(d, "d MMMM y")


def short_date(d) -> str:
    """25/11/2026, the same in every language (formatted directly: the register shows hundreds of them)"""
    return d.strftime("%d/%m/%Y") if d else ""


def local_datetime(dt) -> str:
    if not dt:
        return ""
    if dt.tzinfo is None:  # SQLite hands back naive UTC
        dt = dt.replace(tzinfo=timezone.utc)
    return format_datetime(dt.astimezone(clock.BRUSSELS), "dd/MM/y HH:mm")


def days_left_text(days: int, translations=None) -> str:
    """"3 days left", "due today", "2 days overdue"; `translations` (flask_babel.get_translations()) saves looking
    them up again for every row of a list."""
    t = translations or get_translations()
    if days < 0:
        return t.ngettext("%(num)d day overdue", "%(num)d days overdue", -days) % {"num": -days}
    if days == 0:
        return t.gettext("due today")
    return t.ngettext("%(num)d day left", "%(num)d days left", days) % {"num": days}


@dataclass(frozen=True, slots=True)
class Badge:
    css: str
    text: str
    title: str = ""


def deadline_badges(case, state=None, translations=None) -> list[Badge]:
    """The badges beside an open case's deadline: days left (coloured) or "clock suspended", and the escalation
    the daily escalate job set (caseflow/jobs/runner.py) while its reason still holds. `state`: urgency.deadline_state."""
    state = state or deadline_state(case, clock.today(), current_app.config["WARNING_DAYS"])
    if not state.open:
        return []
    t = translations or get_translations()
    badges = [Badge("suspended", t.gettext("clock suspended")) if state.suspended
              else Badge(state.css, days_left_text(state.days_left, t))]
    if state.escalation:
        title = t.gettext("Escalated on %(date)s") % {"date": short_date(case.escalated_on)}
        if state.escalation == "overdue":
            badges.append(Badge("overdue escalation", t.gettext("Escalated"), title))
        else:
            badges.append(Badge("soon escalation", str(label(state.escalation, "escalation")), title))
    return badges


# What each ' | '-separated part of an audit event's detail is, per action.
DETAIL_KINDS = {
    "case_opened": ("right",) * len(RIGHTS),
    "identity_requested": ("date", "identity_check", None),
    "identity_verified": ("date", "identity_check", None),
    "clarification_received": ("date", None),
    "action_recorded": ("right", "system", "date", None),
    "item_not_applicable": ("right", "system", "date", None),
    "letter_sent": ("letter_kind", "delivery"),
    "letter_failed": ("letter_kind", "delivery"),
    "letter_posted": ("letter_kind", None),
    "evidence_downloaded": (None, None),
    "outcome_set": ("right", "refusal_code"),
    "requester_changed": ("requester_field",) * 5,
    "package_passphrase": ("passphrase_channel", "letter_kind"),
    "outcome_cleared": ("right", "refusal_code"),
    "closed": ("date", None),
}


def _detail_part(part: str, kind: str | None) -> str:
    if kind == "date":
        try:
            return long_date(date.fromisoformat(part))
        except ValueError:
            return part  # e.g. a closing note without an answer date
    return str(label(part, kind)) if kind else part


def audit_detail(detail, action: str) -> str:
    """Show an audit detail such as 'erasure | legal_retention' in words."""
    if action == "deadline_changed" and detail and detail.isdigit():
        return ngettext("%(num)d day suspended", "%(num)d days suspended", int(detail))
    if action == "identity_copy_destroyed" and detail:
        return gettext("copy destroyed on %(date)s", date=_detail_part(detail, "date"))
    if not detail or action not in DETAIL_KINDS:
        return detail or ""
    parts = detail.split(" | ")
    return " — ".join(_detail_part(p, kind) for p, kind in zip(parts, DETAIL_KINDS[action] + (None,) * len(parts)))


def audit_value(value, action: str) -> str:
    """Before/after values of audit events, shown in words rather than keys."""
    if value is None:
        return ""
    if action == "letter_failed":  # the outbox's last error: Caseflow's own words in the reader's language
        return mail.error_text(value)
    key, newline, text = value.partition("\n")
    if newline:  # a key with its free text below, e.g. an outcome and its reasons
        return f"{audit_value(key, action)}\n{text}"
    for kind in ("status", "outcome", "right", "system", "escalation", "identity_check"):
        if value in LABELS[kind]:
            return str(LABELS[kind][value])
    try:
        return long_date(date.fromisoformat(value))
    except ValueError:
        return value


def deadline_line(case, today: date | None = None) -> str:
    """How the case's current deadline was computed, in the reader's language."""
    return explanation_line(case_explanation(case, today), "en" if str(get_locale()) == "en" else "nl")


def register(app) -> None:
    app.jinja_env.filters.update(
        label=label, long_date=long_date, short_date=short_date, local_datetime=local_datetime,
        days_left_text=days_left_text, audit_value=audit_value, audit_detail=audit_detail,
    )
    from caseflow.audit.verify import PROBLEMS
    from caseflow.legal import checklists as checklist
    from caseflow.legal import rules
    from caseflow.services import closing

    app.jinja_env.filters["chain_problem"] = lambda key: str(PROBLEMS.get(key, key))

    app.jinja_env.globals.update(checklist_state=checklist.state, checklist_progress=checklist.progress,
                                 needs_checklist=checklist.needs_checklist, LETTER_KINDS=LETTER_KINDS,
                                 invalid_decisions=rules.invalid_decisions, can_close_on_delivery=closing.can_close_on_delivery,
                                 answered_status=closing.answered_status)
    app.jinja_env.globals.update(deadline_state=deadline_state, deadline_badges=deadline_badges, audit_label=audit_label, get_locale=get_locale,
                                 deadline_line=deadline_line, extension_posting_day=extension_posting_day)

    @app.context_processor
    def inject_today():
        return {"today": clock.today(), "warning_days": app.config["WARNING_DAYS"]}

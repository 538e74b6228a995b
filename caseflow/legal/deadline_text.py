"""The deadline's computation in one line of plain words (case page, evidence pack), from deadlines.explain."""
from babel.dates import format_date
from flask_babel import force_locale, gettext, ngettext

from caseflow.legal import deadlines

ARROW = " \u2192 "
DOT = " \u00b7 "


def _day(d, locale: str, *, year: bool = False) -> str:
    return format_date(d, "EEE d MMMM y" if year else "EEE d MMMM", locale=locale)


def _short(d, locale: str) -> str:
    return format_date(d, "dd/MM", locale=locale)


def _day_off(d, locale: str) -> str | None:
    """Why `d` does not count as the last day: its holiday name, or 'weekend'; None on a working day."""
    if deadlines.is_working_day(d):
        return None
    return deadlines.holiday_name(d, locale) or gettext("weekend")


def _with_notes(text: str, notes: list) -> str:
    notes = [n for n in notes if n]
    return f"{text} ({'; '.join(notes)})" if notes else text


def _suspension(kind: str, asked, answered, locale: str) -> str:
    asked_text = (gettext("clarification asked %(date)s", date=_short(asked, locale)) if kind == "clarification"
                  else gettext("identity asked %(date)s", date=_short(asked, locale)))
    answer_text = (gettext("answer %(date)s", date=_short(answered, locale)) if answered
                   else gettext("no answer yet"))
    return f"{asked_text}, {answer_text}"


def case_explanation(case, today=None) -> deadlines.Explanation:
    """The steps that make a case's current deadline, each suspension named (identity, or clarification once the
    identity was verified)."""
    spans = tuple(("clarification" if case.identity_verified_on and s.started_on >= case.identity_verified_on
                   else "identity", s.started_on, s.ended_on) for s in case.suspensions)
    return deadlines.explain(case.received_on, extended=case.extension_effective,
                             suspended_days=case.suspended_days(today), suspensions=spans)


def extension_posting_day(case, today=None):
    """The last day an extension notice can be posted by registered mail and still count (art. 53bis)."""
    return deadlines.latest_posting_day(case.original_deadline(today))


def explanation_line(explanation: deadlines.Explanation, locale: str = "nl", *, arrow: str = ARROW,
                     dot: str = DOT) -> str:
    """E.g. 'ontvangen do 5 maart 2026 · 1 maand → zo 5 april (Pasen) → ma 6 april (Paasmaandag) → di 7 april 2026'."""
    e = explanation
    with force_locale(locale):
        received = gettext("received %(date)s", date=_day(e.received_on, locale, year=True))
        months = ngettext("%(num)d month", "%(num)d months", e.months)
        if e.extended:
            months = gettext("%(months)s (1 month + extension by two months)", months=months)
        # every date the computation passes, each with why it is not yet the deadline
        shown = [(e.after_months, [gettext("last day of the month") if e.clamped else None])]
        suspended = ""
        if e.suspended_days:
            spans = "; ".join(_suspension(kind, asked, answered, locale) for kind, asked, answered in e.suspensions)
            suspended = ngettext("+ %(num)d day suspended", "+ %(num)d days suspended", e.suspended_days)
            if spans:
                suspended = f"{suspended} ({spans})"
            shown.append((e.after_suspension, []))
        shown.extend((d, []) for d in e.skipped[1:])
        if e.skipped:
            shown.append((e.result, []))
        parts = []
        for i, (d, notes) in enumerate(shown):
            last = i == len(shown) - 1
            rolled = not last and d in e.skipped
            text = _with_notes(_day(d, locale, year=last), notes + ([_day_off(d, locale)] if rolled else []))
            parts.append(text)
        chain = f"{months}{arrow}{parts[0]}"
        if suspended:
            chain += f"{dot}{suspended}{arrow}{parts[1]}"
            rest = parts[2:]
        else:
            rest = parts[1:]
        for text in rest:
            chain += f"{arrow}{text}"
        return f"{received}{dot}{chain}"

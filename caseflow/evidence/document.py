"""The case summary PDF (Dossieroverzicht): request, deadline and how it was computed, identity check, letters
with their proof of delivery, per right the checklist and outcome, and the whole audit trail."""
from flask_babel import force_locale, gettext, ngettext

from caseflow import clock
from caseflow.legal.checklists import state
from caseflow.legal.deadline_text import case_explanation, explanation_line
from caseflow.letters import pdf
from caseflow.models import Case, Letter
from caseflow.web import filters

SMALL = 8.5


def _label(key, kind: str) -> str:
    """A stored key in the reader's words (filters.label gives lazy strings)."""
    return str(filters.label(key, kind))


class _Summary(pdf._Document):
    """Labelstudio's letterhead and numbered pages (caseflow.letters.pdf), with sections, facts and small print."""

    def heading(self, text: str) -> None:
        if self.get_y() > self.page_break_trigger - 25:  # never a heading alone at the foot of a page
            self.add_page()
        self.ln(3)
        self.paragraph(text, size=12, style="B")
        self.ln(1)

    def subheading(self, text: str) -> None:
        if self.get_y() > self.page_break_trigger - 15:
            self.add_page()
        self.ln(1.5)
        self.paragraph(text, size=10, style="B")

    def fact(self, label: str, value) -> None:
        """'Label: value', the value's further lines indented under its first."""
        label = pdf.latin1(f"{label}: ")
        self.set_font("Helvetica", "B", 9)
        label_width = self.get_string_width(label)
        if self.get_y() + 4.6 > self.page_break_trigger:
            self.add_page()
        self.set_x(pdf.LEFT)
        self.text(pdf.LEFT + self.c_margin, self.get_y() + 2.3 + 0.3 * self.font_size, label)
        self.set_font("Helvetica", "", 9)
        self.set_x(pdf.LEFT + min(label_width, 60))
        self.flow(pdf.latin1(str(value if value not in (None, "") else "-")), 4.6)

    def small(self, text: str, *, style: str = "", indent: float = 0) -> None:
        self.set_font("Helvetica", style, SMALL)
        self.set_x(pdf.LEFT + indent)
        self.flow(pdf.latin1(text), 4)


def delivery_proof(letter: Letter) -> str:
    """How the letter reached the requester, in words: the mail server's acceptance, or the posting."""
    if letter.delivery == "registered_letter":
        received = filters.long_date(letter.received_on)
        if letter.posted_on:
            text = gettext("Registered letter posted on %(date)s, Bpost tracking number %(number)s; counts as "
                           "received on %(received)s.", date=filters.long_date(letter.posted_on),
                           number=letter.tracking_number, received=received)
            if letter.delivered_on:
                text += " " + gettext("Delivered on %(date)s according to the Bpost receipt.",
                                      date=filters.long_date(letter.delivered_on))
            return text
        return gettext("Registered letter; posting not recorded. If posted on the day it was written, it counts as "
                       "received on %(received)s.", received=received)
    message = letter.outbox_message
    if message is None:
        return gettext("Email; no delivery recorded.")
    if message.status == "sent" and message.sent_at:
        return gettext("Email accepted by the mail server on %(when)s (Message-ID %(id)s).",
                       when=filters.local_datetime(message.sent_at), id=message.message_id)
    return gettext("Email, not delivered: %(status)s (Message-ID %(id)s).",
                   status=_label(message.status, "outbox_status"), id=message.message_id)


def _request(doc: _Summary, case: Case) -> None:
    doc.heading(gettext("1. The request"))
    doc.fact(gettext("Case reference"), case.reference)
    doc.fact(gettext("Requester"), case.requester_name)
    doc.fact(gettext("Email address"), case.requester_email)
    doc.fact(gettext("Postal address"), case.requester_address)
    doc.fact(gettext("Customer number"), case.customer_number)
    channel = _label(case.channel, "channel")
    if case.tracking_number:
        channel += " - " + gettext("Bpost %(number)s", number=case.tracking_number)
    doc.fact(gettext("Received by"), channel)
    doc.fact(gettext("Received on"), filters.long_date(case.received_on))
    doc.fact(gettext("Rights invoked"), ", ".join(_label(r.right, "right") for r in case.rights))
    doc.fact(gettext("Status"), _label(case.status, "status"))
    doc.fact(gettext("Assigned to"), case.assignee.name if case.assignee else "-")
    if case.attachment_name:
        doc.fact(gettext("Attachment"), case.attachment_name)
    doc.subheading(gettext("Text of the request"))
    doc.small(case.request_text.strip() or gettext("No text recorded."))


def _deadline(doc: _Summary, case: Case, today, locale: str) -> None:
    doc.heading(gettext("2. Deadline"))
    doc.fact(gettext("Deadline"), filters.long_date(case.current_deadline(today)))
    doc.fact(gettext("How it was computed"), explanation_line(case_explanation(case, today), locale,
                                                                arrow=" -> ", dot="; "))
    if case.extended:
        doc.fact(gettext("Original deadline"), filters.long_date(case.original_deadline(today)))
        doc.fact(gettext("Extended on"), f"{filters.long_date(case.extended_on)}: {case.extension_reason}")
        doc.fact(gettext("Extension in force"), gettext("yes: the requester was told in time")
                 if case.extension_effective else gettext("no: the requester was not told before the original "
                                                          "deadline"))
    if case.answer_sent_on:
        doc.fact(gettext("Answer sent on"), filters.long_date(case.answer_sent_on))
    if case.closed_at:
        closed = filters.local_datetime(case.closed_at)
        doc.fact(gettext("Closed"), f"{closed}: {case.closing_note}" if case.closing_note else closed)


def _identity(doc: _Summary, case: Case) -> None:
    doc.heading(gettext("3. Identity check"))
    doc.fact(gettext("Identity verified on"), filters.long_date(case.identity_verified_on) or gettext("not verified"))
    doc.fact(gettext("How"), case.identity_method)
    for s in case.suspensions:
        answer = filters.long_date(s.ended_on) if s.ended_on else gettext("no answer yet")
        doc.fact(gettext("Asked on %(date)s", date=filters.long_date(s.started_on)),
                 gettext("answer received on %(date)s", date=answer) + " - " +
                 ngettext("%(num)d day suspended", "%(num)d days suspended", s.days))
    doc.small(gettext("No identity document is kept; this summary holds none of its content."), style="I")


def _letters(doc: _Summary, case: Case) -> None:
    doc.heading(gettext("4. Letters to the requester"))
    if not case.letters:
        doc.small(gettext("No letters sent yet."))
    for number, letter in enumerate(case.letters, 1):
        doc.subheading(f"{number}. {_label(letter.kind, 'letter_kind')}: {letter.subject}")
        doc.fact(gettext("Written on"), f"{filters.long_date(letter.sent_on)} "
                                        f"({filters.local_datetime(letter.created_at)}, {letter.created_by.name})")
        doc.fact(gettext("To"), letter.recipient)
        doc.fact(gettext("Proof of delivery"), delivery_proof(letter))
        if letter.package_name:
            doc.fact(gettext("Attachment"), letter.package_name)
        doc.small(letter.body.strip(), indent=4)


def _rights(doc: _Summary, case: Case, locale: str) -> None:
    doc.heading(gettext("5. Per right: what was done and the outcome"))
    for r in case.rights:
        doc.subheading(_label(r.right, "right"))
        outcome = _label(r.outcome, "outcome") or gettext("no outcome yet")
        if r.outcome_at:
            outcome += f" ({filters.local_datetime(r.outcome_at)}{', ' + r.outcome_by.name if r.outcome_by else ''})"
        doc.fact(gettext("Outcome"), outcome)
        if r.refusal_code:
            doc.fact(gettext("Reason code"), _label(r.refusal_code, "refusal_code"))
        if r.outcome_reason:
            doc.fact(gettext("Reasons"), r.outcome_reason)
        for item, action in state(r):
            if action is None:
                doc.small(f"[ ] {item.label(locale)}", indent=2)
                continue
            mark = "[-]" if action.not_applicable else "[x]"
            what = gettext("not applicable") + f": {action.note}" if action.not_applicable else (action.note or "")
            doc.small(f"{mark} {item.label(locale)}" + (f" - {what}" if what else "")
                      + f" - {action.user.name}, {filters.short_date(action.performed_on)}", indent=2)
        for action in (a for a in r.actions if not a.checklist_item):
            doc.small(f"* {filters.short_date(action.performed_on)} {_label(action.system, 'system')}: "
                      f"{action.description}" + (f" - {action.note}" if action.note else "")
                      + f" - {action.user.name}", indent=2)


def _trail(doc: _Summary, events) -> None:
    doc.heading(gettext("6. Audit trail"))
    doc.small(gettext("Every change to the case, oldest first, as recorded; entries are never edited or deleted."),
              style="I")
    automatic = gettext("Caseflow (automatic)")
    for e in events:
        what = str(filters.audit_label(e.action))
        if e.detail:
            what += ": " + filters.audit_detail(e.detail, e.action)
        doc.small(f"{filters.local_datetime(e.created_at)} - {e.user.name if e.user else automatic} - {what}",
                  style="B")
        for label, value in ((gettext("Before"), e.before), (gettext("After"), e.after)):
            if value:
                doc.small(f"{label}: {filters.audit_value(value, e.action)}", indent=4)


def case_summary_pdf(case: Case, events, *, locale: str = "nl", now=None) -> bytes:
    """The Dossieroverzicht as PDF bytes, in Dutch or English. `events`: the case's audit trail, oldest first."""
    now = now or clock.now()
    today = now.astimezone(clock.BRUSSELS).date()
    with force_locale(locale):
        title = gettext("Case summary %(reference)s", reference=case.reference)
        doc = _Summary(locale, title, now)
        doc.ln(6)
        doc.paragraph(title, size=15, style="B")
        doc.small(gettext("Made on %(when)s from what Caseflow stores about this request (GDPR Art. 12, 15-22). "
                          "Times are Belgian time.", when=filters.local_datetime(now)))
        _request(doc, case)
        _deadline(doc, case, today, locale)
        _identity(doc, case)
        _letters(doc, case)
        _rights(doc, case, locale)
        _trail(doc, events)
        return doc.render()

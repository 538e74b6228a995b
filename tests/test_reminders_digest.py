"""What staff read in the daily reminder: subject, sections in the issue's order, and unassigned cases for admins."""
from datetime import date

from sqlalchemy import select

from caseflow.extensions import db
from caseflow.jobs import runner as jobs
from caseflow.mail.models import OutboxMessage
from caseflow.services import cases as svc
from tests.fixtures.cases import extend_and_tell, open_case
from tests.fixtures.users import make_user
from tests.test_jobs import TODAY, Register

D = date.fromisoformat


def reminder_to(email: str) -> OutboxMessage:
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reminder",
                                                         OutboxMessage.recipient == email))


def _case(actor, received, assignee=None, name="Jan Claes"):
    return open_case(actor, received_on=D(received), today=TODAY, requester_name=name,
                     assignee_id=assignee.id if assignee else None)


def test_an_admin_sees_overdue_unassigned_cases_as_overdue(app):
    admin = make_user("els@labelstudio.be", "Els Janssens", admin=True, locale="en")
    cases = [_case(admin, received, name=name) for received, name in
             (("2026-03-02", "Anna Aerts"), ("2026-03-03", "Bert Bosmans"), ("2026-03-04", "Chris Cools"))]
    jobs.run("reminders", today=TODAY)
    message = reminder_to(admin.email)
    assert message.subject == "Caseflow: 3 cases overdue (unassigned)"
    text = message.body_text
    overdue = text.index("Overdue (3)")
    for case in cases:
        position = text.index(case.reference)
        assert position > overdue and "not assigned" in text[position:text.index("\n", text.index("\n", position) + 1)]
    assert "Unassigned (" not in text and "Other unassigned" not in text  # listed once, under Overdue
    assert text.count("not assigned") == 3
    assert message.body_html.count("not assigned") == 3


def test_an_admin_sees_own_and_unassigned_counted_together(app):
    admin = make_user("els@labelstudio.be", "Els Janssens", admin=True, locale="en")
    own = _case(admin, "2026-03-02", admin, "Anna Aerts")  # overdue, Els's own
    nobody_overdue = [_case(admin, "2026-03-03", name="Bert Bosmans"), _case(admin, "2026-03-04", name="Chris Cools")]
    later = _case(admin, "2026-03-25", name="Dirk Dubois")  # unassigned, deadline 27 April: not urgent yet
    jobs.run("reminders", today=TODAY)
    message = reminder_to(admin.email)
    assert message.subject == "Caseflow: 3 cases overdue (2 of them unassigned), 1 more unassigned"
    text = message.body_text
    assert text.index("Overdue (3)") < text.index(own.reference) < text.index("Other unassigned cases (1)")
    assert all(text.index(c.reference) < text.index("Other unassigned cases (1)") for c in nobody_overdue)
    assert text.index("Other unassigned cases (1)") < text.index(later.reference)
    assert text.count("not assigned") == 2  # the overdue ones; the section says it for the rest


def test_a_dutch_admins_subject_counts_unassigned_overdue_cases_as_overdue(app):
    admin = make_user("els@labelstudio.be", "Els Janssens", admin=True, locale="nl")
    for received in ("2026-03-02", "2026-03-03", "2026-03-04"):
        _case(admin, received)
    jobs.run("reminders", today=TODAY)
    assert reminder_to(admin.email).subject.startswith("Caseflow: 3 dossiers over tijd")


def test_a_one_day_window_reads_one_day(app):
    app.config["WARNING_DAYS"] = 1
    try:
        an = make_user("an@labelstudio.be", "An Peeters", locale="en")
        piet = make_user("piet@labelstudio.be", "Piet Wouters", locale="nl")
        for user in (an, piet):
            for _ in range(2):  # extended (told in time): deadline Thu 9 April, due tomorrow
                extend_and_tell(_case(user, "2026-01-09", user), user, today=D("2026-01-20"))
        jobs.run("reminders", today=TODAY)
        assert reminder_to(an.email).subject == "Caseflow: 2 due within 1 day"
        dutch = reminder_to(piet.email).subject
        assert "1 dag" in dutch and "1 dagen" not in dutch
    finally:
        app.config["WARNING_DAYS"] = 7


def test_sections_in_the_issues_order_and_identity_lines_with_their_deadline(app):
    r = Register()
    k = _case(r.an, "2026-03-02", r.an, "Karel Kums")  # identity asked 3 March, never answered
    svc.request_identity(k, actor=r.an, asked_on=D("2026-03-03"), today=D("2026-03-03"))
    db.session.commit()
    jobs.run("reminders", today=TODAY)
    message = reminder_to("an@labelstudio.be")
    titles = ("Overdue (2)", "Due within 7 days (1)", "Decide on an extension (2)", "Waiting for proof of identity (1)")
    for body in (message.body_text, message.body_html):
        positions = [body.index(title) for title in titles]
        assert positions == sorted(positions)
    # the subject counts what the sections list, section by section
    assert message.subject == ("Caseflow: 2 cases overdue, 1 due within 7 days, 2 to decide on an extension, "
                               "1 waiting for identity")
    text = message.body_text
    line = text[text.index(k.reference):text.index(f"/cases/{k.id}")]
    # received 2 March (deadline 2 April), clock stopped since 3 March: 30 days left, whenever the answer comes
    assert "asked on 3 March 2026, 36 days ago" in line
    assert "deadline 8 May 2026 · 30 days left (clock suspended)" in line
    html = message.body_html
    row = html[html.index(k.reference):html.index("</tr>", html.index(k.reference))]
    assert "8 May 2026" in row and "30 days left" in row and "asked on 3 March 2026" in row


def test_an_extension_nobody_was_told_about_is_flagged_on_its_line(app):
    an = make_user("an@labelstudio.be", "An Peeters", locale="en")
    piet = make_user("piet@labelstudio.be", "Piet Wouters", locale="nl")
    made = {}
    for user in (an, piet):
        late = _case(user, "2026-03-02", user, "Anna Aerts")  # deadline 2 April: overdue on 8 April
        svc.extend(late, actor=user, reason="Veel systemen", today=D("2026-03-20"))
        soon = _case(user, "2026-03-10", user, "Bert Bosmans")  # deadline Fri 10 April: two days left
        svc.extend(soon, actor=user, reason="Veel systemen", today=TODAY)
        told = _case(user, "2026-03-11", user, "Chris Cools")
        extend_and_tell(told, user, today=TODAY)
        made[user.id] = late, soon, told
    db.session.commit()
    jobs.run("reminders", today=TODAY)

    def line_of(body, case):
        start = body.index(case.reference)
        return body[start:body.index(f"/cases/{case.id}", start)]

    late, soon, told = made[an.id]
    english = reminder_to(an.email)
    text = english.body_text
    # the decided extension does not count: the original deadlines stand
    assert "deadline 2 April 2026" in line_of(text, late)
    assert "extension decided but not told in time" in line_of(text, late)
    assert "deadline 10 April 2026" in line_of(text, soon)
    assert "send the extension notice before this date" in line_of(text, soon)
    assert told.reference not in text  # told: its deadline moved two months on, nothing to act on
    assert english.body_html.count("extension decided") == 2
    late, soon, told = made[piet.id]
    dutch = reminder_to(piet.email).body_text
    assert "kennisgeving van verlenging" in line_of(dutch, soon) and "niet tijdig meegedeeld" in line_of(dutch, late)


def test_admins_are_told_of_emails_in_quarantine_and_when_intake_last_worked(app, monkeypatch):
    from caseflow.intake import service as intake

    admin = make_user("els@labelstudio.be", "Els Janssens", admin=True, locale="en")
    staff = make_user("an@labelstudio.be", "An Peeters")
    _case(staff, "2026-03-02", assignee=staff)  # so that An gets a reminder too
    monkeypatch.setitem(app.config, "IMAP_HOST", "imap.example.invalid")
    nested = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(300))
    intake.take_in(f"From: x@example.be\r\nDate: Mon, 2 Mar 2026 10:00:00 +0100\r\n{nested}\r\nhi\r\n".encode(),
                   source="imap")
    jobs.run("reminders", today=TODAY)
    text = reminder_to(admin.email).body_text
    assert "1 email is in quarantine (it could not be read in full) and waits for a person" in text
    assert "Intake has not fetched the mailbox without trouble yet." in text  # it never ran well
    assert "quarantine" not in reminder_to(staff.email).body_text  # for administrators

"""The deadline explains itself: the steps of deadlines.explain and the line shown beside the deadline."""
from datetime import date

import pytest

from caseflow.legal import deadlines
from caseflow.legal.deadline_text import explanation_line

D = date.fromisoformat

# docs/architecture.md §2's worked examples: received, extended?, suspended days, the Dutch line
LINES = [
    ("2026-03-05", False, 0,
     "ontvangen do 5 maart 2026 · 1 maand → zo 5 april (Pasen) → ma 6 april (Paasmaandag) → di 7 april 2026"),
    ("2026-03-05", True, 0,
     "ontvangen do 5 maart 2026 · 3 maanden (1 maand + verlenging met twee maanden) → vr 5 juni 2026"),
    ("2026-01-31", False, 0,
     "ontvangen za 31 januari 2026 · 1 maand → za 28 februari (laatste dag van de maand; weekend) "
     "→ zo 1 maart (weekend) → ma 2 maart 2026"),
    ("2026-01-31", True, 0,
     "ontvangen za 31 januari 2026 · 3 maanden (1 maand + verlenging met twee maanden) "
     "→ do 30 april 2026 (laatste dag van de maand)"),
    ("2026-03-31", False, 0, "ontvangen di 31 maart 2026 · 1 maand → do 30 april 2026 (laatste dag van de maand)"),
    ("2026-03-31", True, 0,
     "ontvangen di 31 maart 2026 · 3 maanden (1 maand + verlenging met twee maanden) → di 30 juni 2026 "
     "(laatste dag van de maand)"),
    ("2026-04-01", False, 0,
     "ontvangen wo 1 april 2026 · 1 maand → vr 1 mei (Dag van de Arbeid) → za 2 mei (weekend) "
     "→ zo 3 mei (weekend) → ma 4 mei 2026"),
    ("2026-04-01", True, 0, "ontvangen wo 1 april 2026 · 3 maanden (1 maand + verlenging met twee maanden) "
                            "→ wo 1 juli 2026"),
    ("2026-06-21", False, 0,
     "ontvangen zo 21 juni 2026 · 1 maand → di 21 juli (Nationale feestdag) → wo 22 juli 2026"),
    ("2026-06-21", True, 0, "ontvangen zo 21 juni 2026 · 3 maanden (1 maand + verlenging met twee maanden) "
                            "→ ma 21 september 2026"),
    ("2026-10-01", False, 0,
     "ontvangen do 1 oktober 2026 · 1 maand → zo 1 november (Allerheiligen) → ma 2 november 2026"),
    ("2026-10-01", True, 0, "ontvangen do 1 oktober 2026 · 3 maanden (1 maand + verlenging met twee maanden) "
                            "→ vr 1 januari (Nieuwjaar) → za 2 januari (weekend) → zo 3 januari (weekend) "
                            "→ ma 4 januari 2027"),
    ("2026-11-30", False, 0, "ontvangen ma 30 november 2026 · 1 maand → wo 30 december 2026"),
    ("2026-11-30", True, 0, "ontvangen ma 30 november 2026 · 3 maanden (1 maand + verlenging met twee maanden) "
                            "→ zo 28 februari (laatste dag van de maand; weekend) → ma 1 maart 2027"),
    ("2028-01-31", False, 0,
     "ontvangen ma 31 januari 2028 · 1 maand → di 29 februari 2028 (laatste dag van de maand)"),
    ("2028-01-31", True, 0, "ontvangen ma 31 januari 2028 · 3 maanden (1 maand + verlenging met twee maanden) "
                            "→ zo 30 april (laatste dag van de maand; weekend) → ma 1 mei (Dag van de Arbeid) "
                            "→ di 2 mei 2028"),
]


@pytest.mark.parametrize("received, extended, suspended, line", LINES)
def test_every_worked_example_explains_itself_in_dutch(app, received, extended, suspended, line):
    explanation = deadlines.explain(D(received), extended=extended, suspended_days=suspended)
    assert explanation.result == deadlines.legal_deadline(D(received), extended=extended, suspended_days=suspended)
    with app.app_context():
        assert explanation_line(explanation, "nl") == line


def test_the_steps_are_the_computation():
    e = deadlines.explain(D("2026-03-05"))
    assert (e.after_months, e.after_suspension, e.result) == (D("2026-04-05"), D("2026-04-05"), D("2026-04-07"))
    assert e.skipped == (D("2026-04-05"), D("2026-04-06"))
    assert deadlines.holiday_name(D("2026-04-06"), "nl") == "Paasmaandag"
    assert deadlines.holiday_name(D("2026-04-06"), "en") == "Easter Monday"
    assert deadlines.holiday_name(D("2026-12-26"), "nl") is None  # a bank holiday, not a public holiday


def test_suspension_worked_example_names_the_request_and_the_answer(app):
    # received Mon 2 March, identity asked 3 March, answer 10 March: 7 days suspended
    e = deadlines.explain(D("2026-03-02"), suspended_days=7,
                          suspensions=(("identity", D("2026-03-03"), D("2026-03-10")),))
    assert e.result == D("2026-04-09")
    with app.app_context():
        assert explanation_line(e, "nl") == (
            "ontvangen ma 2 maart 2026 · 1 maand → do 2 april · + 7 dagen opgeschort "
            "(identiteit gevraagd 03/03, antwoord 10/03) → do 9 april 2026")


def test_two_suspensions_add_up_and_a_running_one_has_no_answer_yet(app):
    e = deadlines.explain(D("2026-03-05"), suspended_days=9, suspensions=(
        ("identity", D("2026-03-10"), D("2026-03-19")), ("clarification", D("2026-03-25"), None)))
    with app.app_context():
        line = explanation_line(e, "nl")
    assert "+ 9 dagen opgeschort (identiteit gevraagd 10/03, antwoord 19/03; verduidelijking gevraagd 25/03, " \
           "nog geen antwoord)" in line
    assert line.endswith("→ di 14 april 2026")


def test_english_when_the_reader_reads_english(app):
    with app.app_context():
        line = explanation_line(deadlines.explain(D("2026-03-05")), "en")
    assert line == ("received Thu 5 March 2026 · 1 month → Sun 5 April (Easter Sunday) → Mon 6 April (Easter Monday) "
                    "→ Tue 7 April 2026")


@pytest.mark.parametrize("posted, received", [
    ("2026-03-02", "2026-03-05"),  # Mon -> Thu
    ("2026-03-05", "2026-03-10"),  # Thu -> Fri, (weekend), Mon, Tue
    ("2026-04-02", "2026-04-08"),  # Thu -> Fri 3, (Sat, Easter Sunday, Easter Monday), Tue 7, Wed 8
    ("2026-03-07", "2026-03-11"),  # posted on a Saturday: Mon, Tue, Wed
])
def test_a_registered_letter_counts_on_the_third_working_day_after_posting(posted, received):
    assert deadlines.registered_mail_received(D(posted)) == D(received)


def test_the_latest_posting_day_for_a_deadline():
    # deadline Tue 7 April 2026 (after Easter): posted Wed 1 April -> Thu 2, Fri 3, Tue 7
    assert deadlines.latest_posting_day(D("2026-04-07")) == D("2026-04-01")
    assert deadlines.registered_mail_received(D("2026-04-02")) > D("2026-04-07")
    # deadline Wed 23 December 2026: posted Fri 18 (or that weekend) -> Mon 21, Tue 22, Wed 23
    assert deadlines.latest_posting_day(D("2026-12-23")) == D("2026-12-18")


def test_the_case_page_explains_its_deadline_with_the_suspension_and_the_extension(client, logged_in):
    import html

    from caseflow.services import cases as svc
    from tests.fixtures.cases import extend_and_tell, open_case

    case = open_case(logged_in, channel="email", requester_address=None, received_on=D("2026-03-02"),
                     today=D("2026-03-02"))
    svc.request_identity(case, actor=logged_in, asked_on=D("2026-03-03"), today=D("2026-03-03"))
    svc.record_identity(case, actor=logged_in, method="e-mailadres van het account", received_on=D("2026-03-10"),
                        today=D("2026-03-10"))
    page = html.unescape(client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert ("ontvangen ma 2 maart 2026 · 1 maand → do 2 april · + 7 dagen opgeschort (identiteit gevraagd 03/03, "
            "antwoord 10/03) → do 9 april 2026") in page
    extend_and_tell(case, logged_in, today=D("2026-03-20"))
    page = html.unescape(client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert ("ontvangen ma 2 maart 2026 · 3 maanden (1 maand + verlenging met twee maanden) → di 2 juni · "
            "+ 7 dagen opgeschort (identiteit gevraagd 03/03, antwoord 10/03) → di 9 juni 2026") in page

"""End to end in a real browser: a registered letter invoking two rights, worked from logging to resolution.

The app reads the real clock here, so dates are chosen relative to today (Europe/Brussels) and the
expected deadlines come from the deadline engine. Assertions use element ids and data (references,
dates, names) and take labels from the app's own vocabulary, so they hold in Dutch and in English.
"""
import os
import re
from datetime import timedelta

import pytest
from babel.dates import format_date
from flask_babel import force_locale
from playwright.sync_api import expect

from caseflow import clock
from caseflow.legal.deadlines import legal_deadline
from caseflow.legal.rights import LETTER_KINDS, OUTCOMES, REFUSAL_CODES, RIGHTS, STATUSES, SYSTEMS
from caseflow.web.filters import AUDIT_ACTIONS
from tests.fixtures.users import PASSWORD

pytestmark = pytest.mark.browser

LOCALE = "nl"  # the staff fixture's language
CASE_URL = re.compile(r"/cases/(\d+)$")


def long_date(d):
    """As the case page shows a date (filters.long_date): 25 november 2026."""
    return format_date(d, "d MMMM y", locale=LOCALE)


def short_date(d):
    return format_date(d, "dd/MM/y", locale=LOCALE)


def shown(app, text):
    """A label from the app's vocabulary as the user's locale renders it."""
    with app.test_request_context(), force_locale(LOCALE):
        return str(text)


def snap(page, name):
    """With CASEFLOW_SCREENSHOTS=DIR, keep a full-page screenshot of this step for a human to look at."""
    folder = os.environ.get("CASEFLOW_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def log_in(page, email="an@labelstudio.be"):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    expect(page.locator("#password")).to_have_count(0)


def log_email_request(page, *, received, name, email, rights, text):
    """Log a request that came by email through the new-case form, as staff would; lands on the case page."""
    page.goto("/cases/new")
    page.check("input[name=channel][value=email]")
    page.fill("#received_on", received.isoformat())
    page.fill("#requester_name", name)
    page.fill("#requester_email", email)
    for right in rights:
        page.check(f"input[name=rights][value={right}]")
    page.fill("#request_text", text)
    page.click("#submit")
    expect(page).to_have_url(CASE_URL)


class AuditTrail:
    """The audit trail on the case page, checked step by step: each step adds exactly the events expected."""

    def __init__(self, app, page):
        self.app, self.page, self.seen = app, page, 0

    def expect_new(self, *events):
        """events, oldest first: (action, fragments, before, after).

        The row's "what" starts with the action's label and the row shows every fragment (names, dates,
        labels); the before and after cells show exactly `before` and `after` (None: empty, ...: not checked).
        """
        rows = self.page.locator("#audit tr.audit-event")
        expect(rows).to_have_count(self.seen + len(events))
        newest_first = [[c.strip() for c in row.locator("td").all_inner_texts()] for row in rows.all()]
        for (action, fragments, before, after), cells in zip(reversed(events), newest_first):
            when, who, what, shown_before, shown_after = cells
            assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", when)
            assert who == "An Peeters"
            assert what.startswith(shown(self.app, AUDIT_ACTIONS[action])), cells
            for fragment in fragments:
                assert fragment in " ".join(cells[2:]), (fragment, cells)
            if before is not ...:
                assert shown_before == (before or ""), cells
            if after is not ...:
                assert shown_after == (after or ""), cells
        self.seen += len(events)


def set_outcome(app, page, audit, right, outcome, *, code=None, reason=""):
    """Decide a right from its outcome link and check the page and the audit trail show it."""
    page.click(f"#right-{right} a[href*='/outcome']")
    page.check(f"input[name=outcome][value={outcome}]")
    if code:
        page.select_option("#refusal_code", code)
    if reason:
        page.fill("#reason", reason)
    page.click("#submit")
    expect(page).to_have_url(CASE_URL)
    expect(page.locator(f"#right-{right} .outcome")).to_have_text(shown(app, OUTCOMES[outcome]))
    if reason:
        expect(page.locator(f"#right-{right}")).to_contain_text(reason)
    fragments = [shown(app, RIGHTS[right][0])] + ([shown(app, REFUSAL_CODES[code])] if code else [])
    audit.expect_new(("outcome_set", fragments, None, shown(app, OUTCOMES[outcome])))


def test_registered_letter_with_two_rights_from_logging_to_resolution(app, staff, page, tmp_path):
    today = clock.today()
    received = today - timedelta(days=20)
    asked = today - timedelta(days=15)
    answered = today - timedelta(days=5)  # 10 days of suspension, all in the past
    first_deadline = legal_deadline(received)
    while_waiting = legal_deadline(received, suspended_days=(today - asked).days)
    final_deadline = legal_deadline(received, suspended_days=(answered - asked).days)
    assert final_deadline not in (first_deadline, while_waiting)
    status = {key: shown(app, label) for key, label in STATUSES.items()}
    right_label = {key: shown(app, label) for key, (label, _article) in RIGHTS.items()}
    audit = AuditTrail(app, page)

    log_in(page)
    page.goto("/cases/new")
    expect(page.locator("#received_on")).to_have_value(today.isoformat())  # shown, never silently today
    page.check("input[name=channel][value=registered_letter]")
    page.fill("#received_on", received.isoformat())
    page.fill("#requester_name", "Lotte Vermeulen")
    page.fill("#requester_address", "Kerkstraat 12\n2960 Brecht")
    page.fill("#customer_number", "K-20931")
    page.check("input[name=rights][value=access]")
    page.check("input[name=rights][value=erasure]")
    page.fill("#request_text", "Ik wil inzage in mijn gegevens en vraag daarna om ze te wissen.")
    page.click("#submit")

    expect(page).to_have_url(CASE_URL)
    case_url = page.url
    reference = f"DSR-{received.year}-0001"
    expect(page.locator("h1")).to_contain_text(reference)
    expect(page.locator("h1")).to_contain_text("Lotte Vermeulen")
    expect(page.locator("#status")).to_have_text(status["new"])
    expect(page.locator("#current-deadline")).to_have_text(long_date(first_deadline))
    expect(page.locator("#deadline")).to_contain_text(long_date(received))
    expect(page.locator("#requester")).to_contain_text("K-20931")
    for key in ("access", "erasure"):
        expect(page.locator(f"#right-{key} h3")).to_contain_text(right_label[key])
    expect(page.locator("#rights .right")).to_have_count(2)
    audit.expect_new(
        ("case_opened", [right_label["access"], right_label["erasure"]], None, long_date(first_deadline)),
        ("assigned", [], None, "An Peeters"),
    )

    # Ask for proof of identity 15 days ago: the clock has stood still since then.
    page.click("a[href$='/identity/request']")
    page.fill("#asked_on", asked.isoformat())
    page.fill("#note", "Kopie identiteitskaart gevraagd per brief.")
    page.click("#submit")
    # Caseflow drafts the letter asking for it; staff check it and keep it to print (a registered letter).
    expect(page).to_have_url(re.compile(r"/letters/new\?kind=identity_request$"))
    expect(page.locator("#body")).to_have_value(re.compile(reference))
    page.click("#submit")
    expect(page).to_have_url(re.compile(r"/cases/\d+/letters/\d+$"))
    expect(page.locator("#letter-body")).to_contain_text(reference)
    expect(page.locator("a[href$='.pdf']")).to_have_count(1)
    page.goto(case_url)
    expect(page.locator("#letters tr.letter")).to_have_count(1)
    expect(page.locator("#status")).to_have_text(status["awaiting_identity"])
    expect(page.locator("#identity")).to_contain_text(long_date(asked))
    expect(page.locator("#current-deadline")).to_have_text(long_date(while_waiting))
    audit.expect_new(("identity_requested", ["Kopie identiteitskaart gevraagd per brief."],
                      status["new"], status["awaiting_identity"]),
                     ("letter_sent", [shown(app, LETTER_KINDS["identity_request"])], None, ...))
    snap(page, "case-awaiting-identity")

    # The answer arrived 5 days ago: 10 suspended days, the deadline moves by them.
    page.click("a[href$='/identity/verify']")
    page.fill("#received_on", answered.isoformat())
    page.fill("#method", "kopie identiteitskaart gecontroleerd en vernietigd")
    page.click("#submit")
    expect(page).to_have_url(CASE_URL)
    expect(page.locator("#status")).to_have_text(status["in_progress"])
    expect(page.locator("#identity")).to_contain_text(long_date(answered))
    expect(page.locator("#identity")).to_contain_text("kopie identiteitskaart gecontroleerd en vernietigd")
    expect(page.locator("#current-deadline")).to_have_text(long_date(final_deadline))
    audit.expect_new(
        ("identity_verified", ["kopie identiteitskaart gecontroleerd en vernietigd"],
         status["awaiting_identity"], status["in_progress"]),
        ("deadline_changed", ["10 dagen"], long_date(first_deadline), long_date(final_deadline)),
    )

    # Resolution actions, one per right, from the links next to each right.
    actions = [
        ("access", "webshop", "Kopie van account- en bestelgegevens verstuurd", today - timedelta(days=3)),
        ("erasure", "invoicing", "Factuurgegevens bewaard: fiscale bewaarplicht (art. 17(3)(b))", today - timedelta(days=2)),
    ]
    for right, system, description, done_on in actions:
        page.click(f"#right-{right} p > a[href*='/actions/new']")
        page.select_option("#system", system)
        page.fill("#description", description)
        page.fill("#performed_on", done_on.isoformat())
        page.click("#submit")
        expect(page).to_have_url(CASE_URL)
        row = page.locator(f"#right-{right} table.actions-taken tbody tr")
        expect(row).to_have_count(1)
        expect(row.locator("td").nth(0)).to_have_text(short_date(done_on))
        expect(row.locator("td").nth(1)).to_have_text(shown(app, SYSTEMS[system]))
        expect(row.locator("td").nth(2)).to_have_text(description)
        audit.expect_new(("action_recorded", [right_label[right], shown(app, SYSTEMS[system]), description], ..., ...))

    # Outcomes: access granted; erasure partially granted, invoicing data kept by law.
    set_outcome(app, page, audit, "access", "granted")
    set_outcome(app, page, audit, "erasure", "partially_granted", code="legal_retention",
                reason="Uw account is gewist; factuurgegevens moeten wij 10 jaar bewaren (fiscale wetgeving).")

    # The checklists: every line ticked, the newsletter line not applicable (with the reason).
    for right in ("access", "erasure"):
        open_items = page.locator(f"#right-{right} ul.checklist li.open")
        while open_items.count():
            item = open_items.first
            key = item.get_attribute("id").rsplit("-", 1)[1]
            na = key in ("search_mailchimp", "remove_mailchimp")
            line = page.locator(f"#item-{right}-{key}")  # ticked in place, on the case page itself
            if na:
                line.locator("button[value=na]").click()  # without a reason the note asks for one first
                expect(line.locator("form.tick-form")).to_have_class(re.compile("needs-note"))
                line.locator("input.tick-note").fill("Niet ingeschreven op de nieuwsbrief.")
                line.locator("button[value=na]").click()
            else:
                line.locator("button[value=tick]").click()
            expect(page).to_have_url(re.compile(rf"/cases/\d+#item-{right}-{key}$"))
            expect(page.locator(f"#right-{right} li#item-{right}-{key}")).to_have_class("na" if na else "done")
            audit.expect_new(("item_not_applicable" if na else "action_recorded", [right_label[right]], ..., ...))
        expect(page.locator(f"#right-{right} .progress")).to_have_class(re.compile("done"))

    # The answer: the export goes into the data package, the letter is printed for registered mail.
    export = tmp_path / "webshop-account.json"
    export.write_text('{"klantnummer": "K-20931", "naam": "Lotte Vermeulen"}', encoding="utf-8")
    page.set_input_files("#package-files", [str(export)])
    page.click("#package input[type=submit]")
    expect(page.locator("#package tr.package-file")).to_have_count(1)
    audit.expect_new(("package_file_added", ["webshop-account.json"], ..., ...))
    page.click("#compose-answer")
    expect(page.locator("[role=alert]")).to_have_count(0)
    expect(page.locator("#body")).to_have_value(re.compile("Lotte Vermeulen"))
    expect(page.locator("#attach_package")).to_be_checked()
    page.click("#submit")
    expect(page).to_have_url(re.compile(r"/cases/\d+/letters/\d+$"))
    page.goto(page.url.rsplit("/letters/", 1)[0])
    expect(page.locator("#letters tr.letter").last).to_contain_text(f"Antwoord op uw verzoek – dossier {reference}")
    audit.expect_new(("letter_sent", [reference], None, ...))

    # Resolve: every right has an outcome and the answer went out today.
    page.click("a[href$='/close']")
    expect(page.locator("#answer_sent_on")).to_have_value(today.isoformat())  # from the letter
    page.check("input[name=status][value=resolved]")
    page.click("#submit")
    expect(page).to_have_url(CASE_URL)
    expect(page.locator("#status")).to_have_text(status["resolved"])
    expect(page.locator("#current-deadline")).to_have_text(long_date(final_deadline))
    expect(page.locator("#deadline")).to_contain_text(long_date(today))  # answer sent on
    expect(page.locator("a[href$='/close']")).to_have_count(0)  # a closed case offers no more changes
    audit.expect_new(("closed", [], status["in_progress"], status["resolved"]))

    snap(page, "case-resolved")

    # The register's closed filter finds it, and leads back to the case.
    page.goto("/cases?status=closed")
    page.click(f"a:text-is('{reference}')")
    expect(page).to_have_url(CASE_URL)
    expect(page.locator("#status")).to_have_text(status["resolved"])


def test_new_case_errors_keep_everything_typed(app, staff, page):
    today = clock.today()
    tomorrow = today + timedelta(days=1)
    typed = {
        "#requester_name": "Sven De Smet",
        "#requester_email": "sven.desmet@example.be",
        "#requester_address": "Molenweg 3\n2960 Brecht",
        "#customer_number": "K-1138",
        "#request_text": "Graag een kopie van al mijn gegevens.",
    }

    def expect_kept(received_on, rights):
        for selector, value in typed.items():
            expect(page.locator(selector)).to_have_value(value)
        expect(page.locator("#received_on")).to_have_value(received_on.isoformat())
        expect(page.locator("input[name=channel][value=email]")).to_be_checked()
        for key in RIGHTS:
            box = page.locator(f"input[name=rights][value={key}]")
            if key in rights:
                expect(box).to_be_checked()
            else:
                expect(box).not_to_be_checked()

    log_in(page)
    page.goto("/cases/new")
    page.check("input[name=channel][value=email]")
    page.fill("#received_on", tomorrow.isoformat())
    for selector, value in typed.items():
        page.fill(selector, value)
    page.click("#submit")

    # No right ticked: the error sits next to the rights, nothing typed is lost.
    expect(page.locator("#rights-error")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/cases/new$"))
    expect_kept(tomorrow, rights=())
    snap(page, "new-case-no-right")

    # With a right ticked, the future date is refused next to the date field; still everything kept.
    page.check("input[name=rights][value=portability]")
    page.click("#submit")
    expect(page.locator("#received_on-error")).to_be_visible()
    expect(page.locator("#rights-error")).to_have_count(0)
    expect_kept(tomorrow, rights=("portability",))
    snap(page, "new-case-error")

    # Corrected, the case is logged with what was typed.
    page.fill("#received_on", today.isoformat())
    page.click("#submit")
    expect(page).to_have_url(CASE_URL)
    expect(page.locator("h1")).to_contain_text(f"DSR-{today.year}-0001")
    expect(page.locator("#requester")).to_contain_text("sven.desmet@example.be")
    expect(page.locator("#current-deadline")).to_have_text(long_date(legal_deadline(today)))
    expect(page.locator("#right-portability")).to_have_count(1)

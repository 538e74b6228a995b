"""Layout that holds, in a real Chromium at 1280 px: long names never push the register's key columns away."""
import smtplib
from datetime import datetime, timezone

from playwright.sync_api import expect

from caseflow import clock
from caseflow.extensions import db
from caseflow.mail import outbox as mail
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user
from tests.test_browser import log_in

LONG_NAME = "Aurelianus" * 20  # 200 characters, no space to break at
LONG_EMAIL = ("sofie-marie.vandenbroucke-de-smedt.privacy@"  # 130 characters, as an email address may be
              "een-bijzonder-lang-subdomein-van-een-klant.voorbeeld-van-een-lange-domeinnaam.example.be")


def _within_viewport(page, selector):
    width = page.viewport_size["width"]
    boxes = [page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())]
    assert boxes, selector
    return all(box["x"] >= 0 and box["x"] + box["width"] <= width for box in boxes)


def test_long_names_emails_and_subjects_keep_the_registers_columns_in_view(page, app):
    staff = make_user()
    today = clock.today()
    open_case(staff, requester_name=LONG_NAME, requester_email=LONG_EMAIL, received_on=today, today=today,
              rights=("access", "erasure", "restriction", "objection", "portability"), assignee_id=staff.id)
    open_case(staff, requester_name="Jan Claes", received_on=today, today=today)
    log_in(page)
    page.goto("/cases")
    for column in ("td.deadline", "td.status", "td.assignee"):
        assert _within_viewport(page, f"table.cases {column}"), column
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # no sideways scrolling either
    expect(page.locator("table.cases td.assignee").first).to_have_text("An Peeters")
    # the case page holds too: the header wraps instead of running off the page
    page.click(f"text={LONG_NAME[:30]}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_the_registers_filters_take_two_lines_and_filter_from_the_first(page, app):
    """At 1280 px: search, status, right, escalation and the button on the first line; the rest on the second, each
    date range on one line. Filling the search and pressing the button filters."""
    staff = make_user()
    today = clock.today()
    open_case(staff, requester_name="Mia Peeters", received_on=today, today=today)
    open_case(staff, requester_name="Jan Claes", received_on=today, today=today)
    log_in(page)
    page.goto("/cases")
    form = page.locator("form.filters").first
    tops = [page.locator(f"form.filters {sel}").first.bounding_box()["y"]
            for sel in ("#q", "#status", "#right", "#level", "input[type=submit]")]
    assert max(tops) - min(tops) < 20, tops  # one line (controls of slightly different heights, bottoms aligned)
    low, high = page.locator("#received_from").bounding_box(), page.locator("#received_to").bounding_box()
    assert abs(low["y"] - high["y"]) < 2 and high["x"] > low["x"]  # a range keeps its two dates side by side
    assert form.bounding_box()["height"] < 160, form.bounding_box()
    expect(page.get_by_label("Ontvangen vanaf")).to_be_visible()  # each date keeps its name for screen readers
    page.fill("#q", "peeters")
    page.click("form.filters input[type=submit]")
    expect(page.locator("table.cases tbody tr")).to_have_count(1)
    expect(page.locator("table.cases tbody")).to_contain_text("Mia Peeters")


def test_every_page_has_a_favicon_and_no_request_fails(page, app):
    make_user()
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    log_in(page)
    page.goto("/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(href).status == 200
    assert failed == []


def test_the_setup_page_does_not_ask_to_log_in(page, app):
    page.goto("/")  # nobody has an account yet: straight to the setup page, without "log in to see this page"
    expect(page.locator("h1")).to_be_visible()
    assert page.url.endswith("/setup")
    expect(page.locator(".flash")).to_have_count(0)


def test_the_outbox_fits_and_shows_errors_as_text(page, app):
    make_user("els@labelstudio.be", "Els Janssens", admin=True)
    message = mail.enqueue(recipient=LONG_EMAIL, subject="Onderwerp " + "heel lang " * 24, text="x", kind="test",
                           now=datetime(2026, 3, 5, tzinfo=timezone.utc))
    message.status = "failed"
    message.last_error = mail.smtp_error_text(smtplib.SMTPRecipientsRefused(
        {LONG_EMAIL: (550, b"5.1.1 <x@example.be>: Recipient address rejected: User unknown in virtual mailbox")}))
    db.session.commit()
    log_in(page, "els@labelstudio.be")
    page.goto("/admin/outbox")
    error = page.locator("#outbox td.mail-error").first.inner_text()
    assert "550 5.1.1" in error and "b'" not in error and "User unknown" in error
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert _within_viewport(page, "#outbox button")
    button = page.locator("#outbox button").first
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(31, 79, 168)"  # styled, not grey

"""In a real browser: the rules hold whatever the order of work (issue 8 item 0, issue 12 items 3-4).

An objection by email: the identity verified by the account's address (the ladder's suggestion), "niet van
toepassing" decided, then the newsletter line ticked: the case page marks the decision as no longer valid until
it is decided again; the answer goes to the outbox and the case closes by itself once it is delivered.
"""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from caseflow import clock
from caseflow.extensions import db
from caseflow.legal.rights import OUTCOMES, STATUSES
from caseflow.letters import service as correspondence
from caseflow.models import Case
from caseflow.services import resolution
from tests.fixtures.cases import open_case, work_checklists
from tests.test_browser import CASE_URL, log_in, shown

pytestmark = pytest.mark.browser


def test_a_later_tick_invalidates_the_decision_and_the_case_closes_once_the_answer_is_delivered(app, staff, page):
    today = clock.today()
    case = open_case(staff, rights=("objection",), channel="email", received_on=today - timedelta(days=3),
                     today=today, requester_email="sofie.janssens@example.be")
    case_id = case.id
    log_in(page)
    page.goto(f"/cases/{case_id}")
    expect(page).to_have_url(CASE_URL)

    # The request came from the account's email address: the lightest step, suggested for an email request.
    page.click("a[href$='/identity/verify']")
    expect(page.locator("input[name=check][value=account]")).to_be_checked()
    page.click("#submit")
    expect(page).to_have_url(CASE_URL)
    expect(page.locator("#identity")).to_contain_text("e-mail- of postadres van het account")

    page.click("#right-objection a[href*='/outcome']")
    page.check("input[name=outcome][value=not_applicable]")
    page.fill("#reason", "Geen bezwaar tegen een verwerking.")
    page.click("#submit")
    expect(page.locator("#right-objection .outcome")).to_have_text(shown(app, OUTCOMES["not_applicable"]))
    db.session.expire_all()  # a colleague unsubscribes the requester from the newsletter afterwards
    case = db.session.get(Case, case_id)
    resolution.record_action(case, case.rights[0].id, actor=staff, system="mailchimp", description="Uitgeschreven",
                             checklist_item="direct_marketing", today=today)
    page.reload()
    warning = page.locator("#invalid-decision-objection")
    expect(warning).to_contain_text("Deze beslissing geldt niet meer")
    expect(warning).to_contain_text("artikel 21, lid 3")

    # Decided again: granted, and the reasons written for "not applicable" do not follow.
    warning.locator("a").click()
    page.check("input[name=outcome][value=granted]")
    page.click("#submit")
    expect(page).to_have_url(CASE_URL)
    expect(page.locator("#invalid-decision-objection")).to_have_count(0)
    expect(page.locator("#right-objection .outcome")).to_have_text(shown(app, OUTCOMES["granted"]))
    expect(page.locator("#right-objection")).not_to_contain_text("Geen bezwaar tegen een verwerking.")

    db.session.expire_all()
    work_checklists(db.session.get(Case, case_id), staff, today=today)
    page.reload()
    page.click("#compose-answer")
    page.click("#submit")  # to the outbox: the mail job sends it within a minute
    page.goto(f"/cases/{case_id}")
    expect(page.locator("#close")).to_have_count(0)  # closing now cannot succeed: not offered
    page.click("#close-when-delivered")
    expect(page.locator("#close-on-delivery")).to_be_visible()
    correspondence.deliver_outbox()  # the mail job
    page.reload()
    expect(page.locator("#status")).to_have_text(shown(app, STATUSES["resolved"]))

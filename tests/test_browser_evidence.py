"""In a real browser: an email request verified by the account's address, worked, answered over real SMTP and
closed; then its evidence pack is downloaded and read back (PDF text, ZIP contents) and the download is logged."""
import re
import zipfile
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from caseflow import clock
from caseflow.extensions import db
from caseflow.legal.checklists import items_for
from caseflow.models import Case
from tests.test_browser import CASE_URL, log_email_request, log_in, long_date
from tests.test_browser_letters import LETTER_URL, deliver_outbox

pytestmark = pytest.mark.browser

REQUESTER = "lotte.peeters@example.be"
METHOD = "Verzoek komt van het e-mailadres van het webshopaccount"


def test_email_case_worked_then_its_evidence_pack_downloaded(app, staff, page, smtp_server):
    today = clock.today()
    received = today - timedelta(days=4)
    log_in(page)
    log_email_request(page, received=received, name="Lotte Peeters", email=REQUESTER, rights=["consent_withdrawal"],
                      text="Ik trek mijn toestemming voor de nieuwsbrief en de cookies in.")
    case_url = page.url
    expect(page.locator("#deadline-explanation")).to_contain_text("ontvangen ")
    expect(page.locator("#deadline-explanation")).to_contain_text("1 maand")

    page.click("a[href$='/identity/verify']")
    page.fill("#received_on", received.isoformat())
    page.fill("#method", METHOD)
    page.click("#submit")
    expect(page).to_have_url(CASE_URL)

    for item in items_for("consent_withdrawal"):
        line = page.locator(f"#item-consent_withdrawal-{item.key}")  # ticked in place on the case page
        line.locator("button[value=tick]").click()
        expect(line).to_have_class("done")
    page.click("#right-consent_withdrawal a[href*='/outcome']")
    page.check("input[name=outcome][value=granted]")
    page.click("#submit")
    expect(page).to_have_url(CASE_URL)

    page.click("#compose-answer")
    page.click("#submit")
    expect(page).to_have_url(LETTER_URL)
    assert len(deliver_outbox(app).sent) == 1
    message_id = smtp_server.messages[0]["Message-ID"]

    page.goto(case_url)
    page.click("a[href$='/close']")
    page.check("input[name=status][value=resolved]")
    page.click("#submit")
    expect(page).to_have_url(CASE_URL)

    with page.expect_download() as download:
        page.click("#evidence-pdf")
    assert re.fullmatch(r"DSR-\d{4}-0001-dossieroverzicht\.pdf", download.value.suggested_filename)
    reader = PdfReader(download.value.path())
    text = "\n".join(p.extract_text() for p in reader.pages)
    flat = text.replace("\n", " ")
    for expected in ("Lotte Peeters", REQUESTER, long_date(received), "Intrekken van toestemming", METHOD,
                     "Ik trek mijn toestemming", "E-mail aanvaard door de mailserver op", "Ingewilligd",
                     "Uitgeschreven in Mailchimp (nieuwsbrief)", "Logboek", f"Pagina {len(reader.pages)}/"):
        assert expected in flat, expected
    assert message_id in text.replace("\n", "")

    with page.expect_download() as download:
        page.click("#evidence-zip")
    with zipfile.ZipFile(download.value.path()) as zf:
        names = zf.namelist()
    assert any(n.endswith("-dossieroverzicht.pdf") for n in names)
    assert len([n for n in names if n.startswith("brieven/") and n.endswith("-answer.eml")]) == 1

    page.reload()  # the downloads are in the trail; the case itself did not change
    expect(page.locator("#audit tr.audit-event").filter(has_text="Dossieroverzicht gedownload")).to_have_count(2)
    with app.app_context():
        case = db.session.scalars(db.select(Case)).one()
        assert case.status == "resolved"

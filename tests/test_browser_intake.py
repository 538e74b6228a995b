"""In a real browser: a saved email dropped on the new-case page becomes a case with its received date and original."""
import os
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from caseflow.legal.deadlines import legal_deadline
from tests.test_browser import CASE_URL, log_in, long_date, snap

pytestmark = pytest.mark.browser

MAIL = os.path.join(os.path.dirname(__file__), "data", "mail")
DROP = """([name, text]) => {
    const box = document.getElementById("eml-import");
    const data = new DataTransfer();
    data.items.add(new File([text], name, {type: "message/rfc822"}));
    box.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true, cancelable: true}));
    box.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
}"""


def test_a_dropped_email_becomes_a_case_with_its_date_rights_and_original(app, staff, page):
    log_in(page)
    page.goto("/cases/new")
    with open(os.path.join(MAIL, "01_outlook_nl_access.eml"), encoding="ascii") as fh:
        raw = fh.read()  # all ASCII (quoted-printable): the File built from it in the page has exactly these bytes
    page.evaluate(DROP, ["verzoek.eml", raw])
    expect(page).to_have_url(re.compile(r"/intake/\d+/case$"))
    snap(page, "intake-1-prefilled")
    expect(page.locator("#from-email")).to_contain_text(long_date(date(2026, 3, 5)))
    expect(page.locator("#received_on")).to_have_value("2026-03-05")  # shown and editable
    expect(page.locator("#requester_email")).to_have_value("jan.claes@telenet.be")
    expect(page.locator("input[name=channel][value=email]")).to_be_checked()
    expect(page.locator("input[name=rights][value=access]")).to_be_checked()  # suggested: staff confirm it
    expect(page.locator("input[name=rights][value=erasure]")).not_to_be_checked()
    page.fill("#requester_name", "Jan Claes")
    page.click("#submit")

    expect(page).to_have_url(re.compile(r"/letters/new\?kind=acknowledgement"))  # the acknowledgement, drafted
    deadline = legal_deadline(date(2026, 3, 5))
    expect(page.locator("#body")).to_contain_text(long_date(deadline))
    case_id = re.search(r"/cases/(\d+)/", page.url).group(1)

    page.goto(f"/cases/{case_id}")
    expect(page).to_have_url(CASE_URL)
    snap(page, "intake-2-case")
    expect(page.locator("#deadline")).to_contain_text(long_date(date(2026, 3, 5)))  # the received date of the email
    expect(page.locator("#current-deadline")).to_have_text(long_date(deadline))
    expect(page.locator("#emails")).to_contain_text("Inzage in mijn gegevens")
    expect(page.locator("#request")).to_contain_text("vraag ik hierbij inzage in mijn persoonsgegevens")
    with page.expect_download() as download:
        page.click("#emails >> text=origineel (.eml)")
    path = download.value.path()
    with open(path, "rb") as fh, open(os.path.join(MAIL, "01_outlook_nl_access.eml"), "rb") as original:
        assert fh.read() == original.read()
    page.click("#emails a >> text=Inzage in mijn gegevens")
    expect(page.locator("#email-text")).to_contain_text("Op basis van de AVG")
    expect(page.locator("#email-status")).to_contain_text("nieuw dossier")


def test_a_quarantined_email_and_an_unverified_sender_are_shown_plainly(app, staff, page):
    """The inbox's quarantine row opens as text and can still become a case; an unverified sender is said so."""
    from caseflow.intake import service as services

    nested = "".join(f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(500))
    poison = ("From: Lies Goossens <lies@example.be>\r\nSubject: Wis mijn account\r\n"
              "Date: Mon, 2 Mar 2026 10:00:00 +0100\r\nMessage-ID: <poison@example.be>\r\nMIME-Version: 1.0\r\n"
              f"{nested}Content-Type: text/plain\r\n\r\nWis al mijn gegevens.\r\n").encode()
    quarantined, _ = services.take_in(poison, source="imap")
    spoofed, _ = services.take_in(("From: Jan Claes <jan.claes@telenet.be>\r\nSubject: Inzage\r\n"
                                   "Date: Mon, 2 Mar 2026 11:00:00 +0100\r\nMessage-ID: <spoof@example.be>\r\n\r\n"
                                   "Ik wil inzage in mijn gegevens.\r\n").encode(), source="imap")
    log_in(page)
    page.goto("/intake")
    row = page.locator(f"#intake-{quarantined.id}")
    expect(row).to_contain_text("in quarantaine")
    expect(page.locator(f"#intake-{spoofed.id}")).to_contain_text("afzender niet geverifieerd")
    snap(page, "intake-quarantine-inbox")
    row.locator("a").first.click()
    expect(page.locator("#intake-error")).to_contain_text("quarantaine")
    expect(page.locator("#email-raw")).to_contain_text("Wis al mijn gegevens.")  # as it came, as text
    page.click("#make-case")
    expect(page).to_have_url(re.compile(rf"/intake/{quarantined.id}/case$"))
    expect(page.locator("#requester_email")).to_have_value("lies@example.be")  # the headers were still read

    page.goto(f"/intake/{spoofed.id}/case")
    expect(page.locator("#sender-unverified")).to_be_visible()
    snap(page, "intake-unverified-sender")
    page.check("input[name=rights][value=access]")
    page.click("#submit")
    expect(page).to_have_url(re.compile(r"/letters/new\?kind=acknowledgement"))
    expect(page.locator("#body")).to_contain_text("vanaf het e-mailadres van uw klantaccount")
    case_id = re.search(r"/cases/(\d+)/", page.url).group(1)
    page.goto(f"/cases/{case_id}")
    expect(page.locator("#case-sender-unverified")).to_be_visible()

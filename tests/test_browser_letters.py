"""In a real browser: the per-right workflow and the answer to the requester, delivered to a real SMTP server.

An erasure request by email is worked through its checklist (invoicing data kept, with the reason), the
answer is previewed, edited and sent; it arrives at a local aiosmtpd server and the case shows it.
An access request gets its data package: files uploaded, the ZIP downloaded, and the ZIP attached to the answer.
"""
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
import pyzipper
from playwright.sync_api import expect

from caseflow import clock
from caseflow.extensions import db
from caseflow.legal.checklists import items_for
from caseflow.legal.rights import RIGHTS, STATUSES
from caseflow.letters import service as correspondence
from caseflow.mail import outbox as mail
from caseflow.models import Case, Letter
from caseflow.services import cases as case_service
from caseflow.services import resolution
from tests.fixtures.cases import open_case, work_checklists
from tests.test_browser import CASE_URL, AuditTrail, log_email_request, log_in, long_date, set_outcome, shown, snap

pytestmark = pytest.mark.browser

LETTER_URL = re.compile(r"/cases/\d+/letters/\d+$")
REQUESTER = "sofie.janssens@example.be"


def deliver_outbox(app):
    """What the scheduler's mail job does every minute."""
    with app.app_context():
        return correspondence.deliver_outbox()


def test_erasure_by_email_checklist_answer_edited_sent_and_received(app, staff, page, smtp_server):
    today = clock.today()
    received = today - timedelta(days=6)
    right_label = shown(app, RIGHTS["erasure"][0])
    status = {key: shown(app, label) for key, label in STATUSES.items()}
    audit = AuditTrail(app, page)

    log_in(page)
    log_email_request(page, received=received, name="Sofie Janssens", email=REQUESTER, rights=["erasure"],
                      text="Gelieve mijn account en al mijn gegevens te verwijderen.")
    case_url = page.url
    reference = f"DSR-{received.year}-0001"
    audit.expect_new(("case_opened", [right_label], None, ...), ("assigned", [], None, "An Peeters"))

    # The checklist for erasure comes from checklists.toml: every line open, progress 0 of N.
    items = items_for("erasure")
    expect(page.locator("#right-erasure ul.checklist li")).to_have_count(len(items))
    expect(page.locator("#right-erasure ul.checklist li.open")).to_have_count(len(items))
    expect(page.locator("#right-erasure .progress")).to_contain_text(f"0/{len(items)}")

    # Guard rail: no answer yet, with the reasons shown before anyone types a word.
    page.click("#compose-answer")
    alerts = page.locator("[role=alert]")
    expect(alerts.filter(has_text="beslissing")).to_have_count(1)  # every right needs an outcome
    expect(alerts.filter(has_text=f"nog {len(items)} punten open op de checklist")).to_have_count(1)
    page.click("#submit")
    expect(page.locator(".flash.error, .error").first).to_be_visible()
    assert db.session.query(Letter).count() == 0
    page.goto(case_url)

    # The request came from the address on the account: that is the identity check.
    page.click("a[href$='/identity/verify']")
    page.fill("#received_on", received.isoformat())
    page.fill("#method", "komt overeen met het e-mailadres van het account")
    page.click("#submit")
    expect(page).to_have_url(CASE_URL)
    expect(page.locator("#status")).to_have_text(status["in_progress"])
    audit.expect_new(("identity_verified", ["komt overeen met het e-mailadres van het account"], ..., ...))

    # Work the checklist: invoicing data kept with its reason, the newsletter line not applicable.
    notes = {
        "keep_invoicing": "Facturen 2024-2026 bewaard tot eind 2036 (fiscale bewaarplicht).",
        "remove_mailchimp": "Niet ingeschreven op de nieuwsbrief.",
    }
    for n, item in enumerate(items, start=1):
        na = item.key == "remove_mailchimp"
        line = page.locator(f"#item-erasure-{item.key}")  # ticked in place: one click, the note beside it
        if item.key in notes:
            line.locator("input.tick-note").fill(notes[item.key])
        line.locator("button[value=na]" if na else "button[value=tick]").click()
        expect(page).to_have_url(re.compile(rf"/cases/\d+#item-erasure-{item.key}$"))
        expect(line).to_have_class("na" if na else "done")
        if item.key in notes:
            expect(line).to_contain_text(notes[item.key])
        expect(page.locator("#right-erasure .progress")).to_contain_text(f"{n}/{len(items)}")
        audit.expect_new(("item_not_applicable" if na else "action_recorded", [right_label], None,
                          notes.get(item.key)))  # the note, e.g. why invoicing data is kept, is in the trail
    expect(page.locator("#right-erasure .progress")).to_have_class(re.compile("done"))

    # Outcome: partially granted, the invoicing data kept by law.
    reason = "Uw account is gewist. Uw facturatiegegevens moeten wij wettelijk tien jaar bewaren."
    set_outcome(app, page, audit, "erasure", "partially_granted", code="legal_retention", reason=reason)

    # Compose the answer: the draft has the reference, the reasons, and where to complain.
    page.click("#compose-answer")
    expect(page.locator("[role=alert]")).to_have_count(0)
    body = page.locator("#body")
    expect(page.locator("#subject")).to_have_value(re.compile(reference))
    for fragment in (reference, "Sofie Janssens", reason, "Gegevensbeschermingsautoriteit", "Drukpersstraat 35",
                     "www.gegevensbeschermingsautoriteit.be", "artikel 17", "rechter", "An Peeters"):
        expect(body).to_have_value(re.compile(re.escape(fragment)))
    snap(page, "answer-preview")

    # Staff edit the text before sending: what goes out is the edited text.
    edit = "PS: uw nieuwsbriefinschrijving was al eerder stopgezet."
    drafted = body.input_value()
    edited = drafted.replace("Met vriendelijke groeten", f"{edit}\n\nMet vriendelijke groeten")
    assert edited != drafted
    body.fill(edited)
    page.click("#submit")
    expect(page).to_have_url(LETTER_URL)
    letter_url = page.url
    expect(page.locator("#letter-body")).to_contain_text(edit)
    expect(page.locator("#mail-status")).to_have_attribute("data-status", "pending")
    expect(page.locator("#mail-status")).to_have_text(shown(app, mail.STATUSES["pending"]))

    # The mail job delivers it over SMTP: exactly one email, the edited text, replies to the shop.
    report = deliver_outbox(app)
    assert len(report.sent) == 1
    assert len(smtp_server.received) == 1
    _, recipients, email = smtp_server.received[0]
    assert recipients == [REQUESTER]
    assert reference in email["Subject"]
    assert email["Reply-To"] == app.config["LETTERS_REPLY_TO"]
    text = email.get_body(("plain",)).get_content()
    assert edit in text and reason in text and "Gegevensbeschermingsautoriteit" in text
    assert deliver_outbox(app).sent == []  # nothing goes out twice
    assert len(smtp_server.received) == 1

    page.goto(letter_url)
    expect(page.locator("#mail-status")).to_have_attribute("data-status", "sent")
    expect(page.locator("#mail-status")).to_have_text(shown(app, mail.STATUSES["sent"]))

    # The case keeps the letter and its exact text in the audit trail.
    page.goto(case_url)
    expect(page.locator("#letters tr.letter")).to_have_count(1)
    expect(page.locator("#letters tr.letter")).to_contain_text(reference)
    expect(page.locator("#letters tr.letter .mail-status")).to_have_text(shown(app, mail.STATUSES["sent"]))
    audit.expect_new(("letter_sent", [reference], None, ...))
    sent_text = page.locator("#audit tr.audit-event").first.locator("details")
    sent_text.locator("summary").click()  # the exact text sent, folded under its subject
    expect(sent_text.locator("pre")).to_contain_text(edit)
    expect(sent_text.locator("pre")).to_contain_text(reason)

    # Resolve: the answer date is already filled in from the letter.
    page.click("a[href$='/close']")
    expect(page.locator("#answer_sent_on")).to_have_value(today.isoformat())
    page.check("input[name=status][value=resolved]")
    page.click("#submit")
    expect(page).to_have_url(CASE_URL)
    expect(page.locator("#status")).to_have_text(status["resolved"])
    expect(page.locator("#deadline")).to_contain_text(long_date(today))
    audit.expect_new(("closed", [], status["in_progress"], status["resolved"]))
    snap(page, "erasure-resolved")


def test_access_package_uploaded_downloaded_and_attached_to_the_answer(app, staff, page, smtp_server, tmp_path):
    today = clock.today()
    case = open_case(staff, channel="email", rights=("access",), received_on=today - timedelta(days=3), today=today,
                     requester_name="Wout Peeters", requester_email="wout.peeters@example.be")
    case_service.record_identity(case, actor=staff, method="komt overeen met het e-mailadres van het account",
                                 today=today)
    work_checklists(case, staff, today=today)
    resolution.set_outcome(case, case.rights[0].id, actor=staff, outcome="granted")
    case_url = f"/cases/{case.id}"

    orders = tmp_path / "webshop-bestellingen.csv"
    orders.write_text("bestelling;datum;bedrag\n1042;2026-03-01;24,95\n", encoding="utf-8")
    profile = tmp_path / "mailchimp-profiel.json"
    profile.write_text(json.dumps({"email": "wout.peeters@example.be", "status": "subscribed"}), encoding="utf-8")

    log_in(page)
    page.goto(case_url)
    page.set_input_files("#package-files", [str(orders), str(profile)])
    page.click("#package input[type=submit]")
    expect(page.locator("#package tr.package-file")).to_have_count(2)
    expect(page.locator("#package")).to_contain_text("webshop-bestellingen.csv")
    expect(page.locator("#package")).to_contain_text("mailchimp-profiel.json")

    # Download the ZIP as staff would, and look inside.
    with page.expect_download() as download_info:
        page.click("a[href$='/package.zip']")
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as package:
        names = package.namelist()
        assert any(n.endswith("webshop-bestellingen.csv") for n in names)
        assert any(n.endswith("mailchimp-profiel.json") for n in names)
        assert any(n.endswith(".pdf") for n in names)
        manifest = json.loads(package.read(next(n for n in names if n.endswith(".json") and "manifest" in n)))
        assert "webshop-bestellingen.csv" in json.dumps(manifest)
    page.goto(case_url)
    audit_text = page.locator("#audit").inner_text()
    assert "webshop-bestellingen.csv" in audit_text

    # The answer goes out with the package attached.
    page.click("#compose-answer")
    expect(page.locator("[role=alert]")).to_have_count(0)
    expect(page.locator("#attach_package")).to_be_checked()
    page.check("#passphrase_channel-1")  # read out by phone: the ZIP goes out encrypted
    page.click("#submit")
    expect(page).to_have_url(LETTER_URL)
    shown = page.locator(".flash.passphrase").inner_text()
    passphrase = re.search(r"[A-Z2-9]{4}(?:-[A-Z2-9]{4}){4}", shown)[0]
    assert len(deliver_outbox(app).sent) == 1
    (email,) = smtp_server.messages
    (attachment,) = list(email.iter_attachments())
    assert attachment.get_filename().endswith(".zip")
    with pyzipper.AESZipFile(io.BytesIO(attachment.get_content())) as package:
        package.setpassword(passphrase.encode())
        assert any(n.endswith("webshop-bestellingen.csv") for n in package.namelist())
        orders_in_zip = next(n for n in package.namelist() if n.endswith("webshop-bestellingen.csv"))
        assert package.read(orders_in_zip) == orders.read_bytes()
    db.session.expire_all()
    letter = db.session.query(Letter).one()
    assert letter.package_name == attachment.get_filename()
    assert db.session.get(Case, case.id).answer_sent_on == today

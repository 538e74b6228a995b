"""Every GET route answers with the hardening headers; stored files come back as opaque downloads."""
import io

import pytest

from caseflow.extensions import db
from caseflow.letters import packages
from caseflow.letters import service as correspondence
from caseflow.models import Case
from caseflow.services import cases as case_service
from caseflow.services import resolution
from tests.fixtures.cases import work_checklists

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
CSP_PARTS = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
             "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"]


def _assert_hardened(response, url):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (url, name, response.headers.get(name))
    csp = response.headers["Content-Security-Policy"]
    assert all(part in csp for part in CSP_PARTS), (url, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "Werkzeug" not in response.headers.get("Server", "")


@pytest.fixture
def seeded(client, auth, admin):
    """A small case with everything a GET route can show: an uploaded scan, a decided right, a letter with its
    package kept (registered letter)."""
    auth.login(admin.email)
    r = client.post("/cases/new", content_type="multipart/form-data", data={
        "channel": "registered_letter", "received_on": "2026-03-05", "requester_name": "Jan Claes",
        "requester_address": "Kerkstraat 12\n2960 Brecht", "rights": ["access"], "request_text": "Inzage.",
        "assignee_id": "",
        "attachment": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "brief.html")})
    assert r.status_code == 302, r.get_data(as_text=True)
    case = db.session.scalar(db.select(Case))
    actor = db.session.merge(admin)
    case_service.record_identity(case, actor=actor, method="adres van het account", today=case.received_on)
    work_checklists(case, actor, today=case.received_on)
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted")
    packages.add_files(case, [("bestellingen.csv", io.BytesIO(b"nr;bedrag\n1042;24,95\n"))], actor=actor)
    draft = correspondence.draft(case, "answer", locale="nl", sender_name=actor.name, today=case.received_on)
    letter = correspondence.send(case, actor=actor, kind="answer", locale="nl", subject=draft.subject,
                                 body=draft.body, attach_package=True, today=case.received_on)
    from pathlib import Path

    from caseflow.intake import service as intake
    raw = (Path(__file__).parent / "data" / "mail" / "12_attachments_nl.eml").read_bytes()
    message, _ = intake.take_in(raw, source="upload")
    db.session.commit()
    return {"case_id": case.id, "letter_id": letter.id, "right_id": case.rights[0].id, "user_id": admin.id,
            "filename": "caseflow.css", "fmt": "csv", "message_id": message.id, "attachment_id": message.attachments[0].id}


def test_every_get_route_sends_the_hardening_headers(app, client, seeded):
    rules = [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods]
    assert len(rules) > 25
    seen = 0
    for rule in rules:
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", str(seeded[name])).replace(f"<path:{name}>", str(seeded[name]))
            url = url.replace(f"<{name}>", str(seeded[name]))
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)
        _assert_hardened(response, url)
        seen += response.status_code == 200
    assert seen >= 25  # the seeded ids really opened the pages, not just error pages


def test_pages_for_visitors_and_errors_are_hardened_too(client, staff):
    for url in ("/login", "/cases/1", "/does-not-exist"):
        _assert_hardened(client.get(url), url)
    _assert_hardened(client.post("/login", data={"email": "x@y.be", "password": "z"}), "POST /login")


def test_an_uploaded_html_file_comes_back_as_an_opaque_download(client, seeded):
    r = client.get(f"/cases/{seeded['case_id']}/attachment")
    assert r.status_code == 200 and r.data.startswith(b"<html>")
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert r.headers["Content-Disposition"].startswith("attachment;") and "brief.html" in r.headers["Content-Disposition"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_styles_or_scripts():
    """The CSP forbids them; the browser test below would catch one on the main pages, this catches all."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parent.parent / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        if path.parts[-2] == "mail":  # emails are not served under the CSP (mail clients need inline styles)
            continue
        text = path.read_text()
        if re.search(r"\sstyle=|<script(?![^>]*\ssrc=)|\son[a-z]+=", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []

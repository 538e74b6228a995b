"""In a real browser, the main pages break no rule of the Content-Security-Policy (nothing inline is refused)."""
import pytest

from caseflow.extensions import db
from tests.fixtures.cases import open_case
from tests.fixtures.users import PASSWORD

pytestmark = pytest.mark.browser


def test_main_pages_cause_no_csp_violation(page, admin):
    case = open_case(db.session.merge(admin), requester_address="Kerkstraat 12\n2960 Brecht")
    problems = []
    page.on("console", lambda message: message.type in ("error", "warning")
            and not message.location.get("url", "").endswith("/favicon.ico")  # none exists; not a CSP matter
            and problems.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    page.goto("/login")
    page.fill("#email", admin.email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/")
    urls = ["/", "/cases/new", f"/cases/{case.id}", f"/cases/{case.id}/identity/request", "/admin/users",
            "/admin/users/new", "/admin/jobs", "/admin/outbox", "/admin/security",
            f"/admin/users/{admin.id}/sessions", "/account/two-factor", "/account/password", "/language"]
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
    # The QR code (an SVG data: URI) really displays under img-src 'self' data:.
    page.goto("/account/two-factor")
    assert page.eval_on_selector("#totp-qr", "img => img.complete && img.naturalWidth > 0")
    # The stylesheet applied: the classes that replaced inline styles lay the page out as before.
    page.goto("/admin/users")
    assert page.eval_on_selector(".page-head", "el => getComputedStyle(el).display") == "flex"
    assert problems == []
    # The check itself works: an inline style on this origin is refused and reported in the console.
    with page.expect_console_message() as reported:
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<style>body{color:red}</style>')")
    assert "Content Security Policy" in reported.value.text

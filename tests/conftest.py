"""Fixtures: app, client, runner, users and logins, in the style of flaskr's conftest."""
from datetime import date

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from caseflow import create_app
from caseflow.extensions import db
from caseflow.models import User
from caseflow.services import cases as case_service
from caseflow.services import resolution
from config import TestConfig

PASSWORD = "correct horse battery"
_HASHES = {}  # hashing is deliberately slow; hash the shared test password once


class RequestIsolatedClient(FlaskClient):
    """Each request gets its own app context (fresh g, fresh db session), as in production.

    The test's own context stays open around it so tests can use the database directly;
    what it holds is expired after each request so assertions read what the request wrote.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def _app(tmp_path_factory):
    """One app and schema for the session; each test starts from empty tables."""
    instance = tmp_path_factory.mktemp("instance")
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}})
    app.instance_path = str(instance)
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        _drop_everything()
        upgrade()  # the suite runs on the schema the migrations build, as production does
    yield app
    with app.app_context():
        _drop_everything()
        db.engine.dispose()


def _drop_everything():
    db.drop_all()
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TABLE IF EXISTS case_fts"))  # the search index (migration 0013)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def app(_app):
    _app.config.update(WTF_CSRF_ENABLED=False)
    with _app.app_context():
        yield _app
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(email="an@labelstudio.be", name="An Peeters", admin=False, locale="nl", active=True):
    user = User(email=email, name=name, is_admin=admin, locale=locale, active=active)
    if PASSWORD not in _HASHES:
        user.set_password(PASSWORD)
        _HASHES[PASSWORD] = user.password_hash
    user.password_hash = _HASHES[PASSWORD]
    db.session.add(user)
    db.session.commit()
    return user


@pytest.fixture
def admin(app):
    return make_user("admin@labelstudio.be", "Els Janssens", admin=True)


@pytest.fixture
def staff(app):
    return make_user("an@labelstudio.be", "An Peeters")


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email="an@labelstudio.be", password=PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def logged_in(client, auth, staff):
    auth.login()
    return staff


def open_case(actor, *, received_on=date(2026, 3, 5), rights=("access",), today=date(2026, 3, 5), **kw):
    """A case as staff would log it, for tests that need one to exist."""
    values = dict(channel="registered_letter", requester_name="Jan Claes",
                  requester_email="jan.claes@example.be", request_text="Ik wil inzage in mijn gegevens.")
    values.update(kw)
    return case_service.open_case(actor=actor, received_on=received_on, rights=list(rights), today=today, **values)


def verified_case(actor, *, today, rights=("access", "erasure")):
    """A case whose requester is verified (the email of the customer account), ready to be worked."""
    case = open_case(actor, rights=rights, today=today)
    case_service.record_identity(case, actor=actor, method="mail van het klantaccount", today=today)
    return case


# --- Browser tests: the app on a live server, driven by Debian's Chromium through Playwright ---

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm, where Chromium's tabs crash
]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def live_server(app):
    """The app served over HTTP on 127.0.0.1 (a free port) from a background thread, with CSRF on."""
    import threading

    from werkzeug.serving import make_server

    app.config.update(WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def _chromium_or_skip() -> str:
    """Debian's Chromium (or CASEFLOW_CHROMIUM). Missing: skipped locally, a failure when CI=true."""
    import os
    import shutil

    wanted = os.environ.get("CASEFLOW_CHROMIUM") or "/usr/bin/chromium"
    path = shutil.which(wanted)
    if path is None:
        message = f"Chromium not found at {wanted} (apt-get install chromium, or set CASEFLOW_CHROMIUM)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; never a browser that Playwright downloads."""
    import os

    executable = _chromium_or_skip()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Playwright is not installed: {error}", pytrace=False)
        pytest.skip(f"Playwright is not installed: {error}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser tab on the live server; a screenshot of the last page in /tmp when the test fails.

    CASEFLOW_SCREENSHOTS=DIR keeps a screenshot of every browser test's last page in DIR.
    """
    import os
    import tempfile

    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900},
                                  locale="nl-BE", timezone_id="Europe/Brussels")  # as Labelstudio's staff
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    folder = os.environ.get("CASEFLOW_SCREENSHOTS") or (tempfile.gettempdir() if failed else None)
    if folder:
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"caseflow-{request.node.name}.png")
        tab.screenshot(path=path, full_page=True)
        print(f"screenshot of the last page: {path}")
    context.close()


class SMTPServer:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives; stop() closes its port."""

    def __init__(self):
        import socket

        with socket.socket() as sock:  # a free port, kept for the whole test so stop/start reuse it
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.received = []  # (envelope sender, recipients, email.message.EmailMessage)
        self.reject_with = None  # e.g. "550 mailbox unavailable": refuse every message
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        if self.reject_with:
            return self.reject_with
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                              message_from_bytes(envelope.original_content, policy=policy.default)))
        return "250 OK"

    @property
    def messages(self):
        return [message for _, _, message in self.received]

    def start(self):
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp_server(app):
    """The app sends its mail to a running aiosmtpd server; `smtp_server.messages` is what arrived."""
    server = SMTPServer()
    server.start()
    keys = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME")
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_USE_TLS=False, MAIL_USE_SSL=False,
                      MAIL_USERNAME=None)
    yield server
    server.stop()
    app.config.update(saved)


def extend_and_tell(case, actor, *, reason="Complex verzoek: gegevens in vijf systemen", today=None, now=None):
    """Extend the deadline and send the extension notice, which is when the extension starts to count."""
    from caseflow.services import correspondence

    case_service.extend(case, actor=actor, reason=reason, today=today, now=now)
    return correspondence.send_as_drafted(case, "extension_notice", actor=actor, today=today, now=now)


def work_checklists(case, actor, *, today=None, not_applicable=("search_mailchimp",), skip=()):
    """Deal with every open checklist line of the case (but those in `skip`), as staff would before resolving it."""
    from caseflow.services.checklist import open_items

    for right, item in open_items(case):
        if item.key in skip:
            continue
        na = item.key in not_applicable
        resolution.record_action(case, right.id, actor=actor, system=item.system, description=item.nl,
                                   checklist_item=item.key, not_applicable=na,
                                   note="Niet ingeschreven op de nieuwsbrief" if na else "", today=today)


def send_answer(case, actor, *, today=None, now=None):
    """Send the drafted answer, as staff would before closing the case (with a data package where it gives a copy)."""
    import io

    from caseflow.services import correspondence, packages

    if correspondence.sends_copy(case) and not case.package_files:
        packages.add_files(case, [("webshop-export.json", io.BytesIO(b'{"naam": "Jan Claes"}'))], actor=actor, now=now)
    letter = correspondence.send_as_drafted(case, "answer", actor=actor, today=today, now=now)
    correspondence.deliver_outbox()  # the mail job (an .eml file, or the test's SMTP server)
    return letter


@pytest.fixture
def frozen_clock(app, monkeypatch):
    """Sessions, throttling and two-factor codes read this clock; `frozen_clock.advance(minutes=31)` moves it."""
    from tests.security_helpers import Clock

    clock = Clock()
    monkeypatch.setitem(app.config, "CLOCK", clock)
    return clock

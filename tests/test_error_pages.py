"""Error pages and error texts in the user's language, never Werkzeug's or Caseflow's stored English."""
from datetime import datetime, timedelta, timezone

import pytest

from caseflow.extensions import db
from caseflow.mail import outbox as mail
from caseflow.mail.models import OutboxMessage
from tests.fixtures.users import make_user

T0 = datetime(2026, 4, 8, 6, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("login", [True, False])
def test_opening_a_button_address_gets_a_dutch_page(client, auth, staff, login):
    if login:
        auth.login()
    r = client.get("/logout")
    page = r.get_data(as_text=True)
    assert r.status_code == 405 and r.headers["Allow"].split(", ") and "POST" in r.headers["Allow"]
    assert "Method Not Allowed" not in page
    assert "Deze pagina kan niet rechtstreeks geopend worden" in page and "Afmelden" in page
    assert 'href="/"' in page  # a way back
    if login:
        assert client.get("/").status_code == 200  # still logged in: nothing was changed


def test_a_package_remove_address_opened_as_a_page(client, logged_in):
    r = client.get("/cases/1/package/1/remove")
    assert r.status_code == 405 and "Deze pagina kan niet rechtstreeks geopend worden" in r.get_data(as_text=True)


def failed_message(last_error):
    message = mail.enqueue(recipient="an@labelstudio.be", subject="Caseflow: test", text="Hallo", kind="test", now=T0)
    message.status, message.attempts, message.last_error = "failed", 1, last_error
    db.session.commit()
    return message


def test_error_text_translates_caseflows_own_texts_only(app):
    with app.test_request_context():  # the default locale: Dutch
        assert mail.error_text(None) == "" and mail.error_text("") == ""
        assert mail.error_text("550 5.1.1 mailbox unavailable") == "550 5.1.1 mailbox unavailable"  # the server's
        assert mail.error_text(mail.INTERRUPTED).startswith("Onderbroken tijdens het versturen")
        shown = mail.error_text(f"{mail.NOT_BUILT}: FileNotFoundError: packages/gone.zip")
        assert shown == "Niet verstuurd: het bericht kon niet samengesteld worden: FileNotFoundError: packages/gone.zip"


def test_the_outbox_shows_stored_errors_in_dutch(app, client, auth):
    admin = make_user("admin@labelstudio.be", "Els Janssens", admin=True)
    interrupted = failed_message(mail.INTERRUPTED)
    unbuilt = failed_message(f"{mail.NOT_BUILT}: FileNotFoundError: [Errno 2] No such file: 'packages/gone.zip'")
    refused = failed_message("550 5.1.1 mailbox unavailable")
    auth.login(admin.email)
    page = client.get("/admin/outbox").get_data(as_text=True)

    def cell(message):
        row = page[page.index(f'id="message-{message.id}"'):]
        return row[:row.index("</tr>")]

    assert "Onderbroken tijdens het versturen" in cell(interrupted) and "Interrupted" not in page
    assert "Niet verstuurd: het bericht kon niet samengesteld worden: FileNotFoundError" in cell(unbuilt)
    assert "could not be built" not in page
    assert "550 5.1.1 mailbox unavailable" in cell(refused)  # an SMTP server's own words stay as they are


def test_a_message_that_cannot_be_built_stores_the_stable_english_text(app):
    message = mail.enqueue(recipient="an@labelstudio.be", subject="Uw gegevens", text="Hallo", kind="test", now=T0)
    message.attachment_path, message.attachment_name = "packages/gone.zip", "gegevens.zip"
    db.session.commit()
    mail.deliver_due(T0 + timedelta(seconds=1))
    stored = db.session.get(OutboxMessage, message.id).last_error
    assert stored.startswith(mail.NOT_BUILT + ": FileNotFoundError")  # the same text whoever is logged in

"""The data package leaves safely: encrypted when emailed, the passphrase by another way, deleted after retention."""
import io
import os
import zipfile
from datetime import date, datetime, timedelta, timezone

import pytest
import pyzipper
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.jobs import runner as jobs
from caseflow.letters import packages
from caseflow.letters import service as correspondence
from caseflow.mail.models import OutboxMessage
from caseflow.models import AuditEvent, Case, Letter, PackageFile
from caseflow.services import ServiceError, resolution
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case, work_checklists
from tests.fixtures.users import make_user

TODAY = date(2026, 3, 5)
NOW = datetime(2026, 3, 5, 10, tzinfo=timezone.utc)
EXPORT = b'{"klantnummer": "K-1042", "naam": "Jan Claes"}'


@pytest.fixture
def actor(app):
    return make_user()


def ready_to_answer(actor, *, channel="email", files=(("webshop-export.json", EXPORT),)):
    case = open_case(actor, channel=channel, requester_address="Kerkstraat 12\n2960 Brecht", today=TODAY,
                     received_on=TODAY)
    svc.record_identity(case, actor=actor, method="mail van het klantaccount", today=TODAY, now=NOW)
    work_checklists(case, actor, today=TODAY)
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted", now=NOW)
    packages.add_files(case, [(name, io.BytesIO(data)) for name, data in files], actor=actor, now=NOW)
    return case


def _open(data: bytes, passphrase: str | None, name="data/webshop-export.json") -> bytes:
    with pyzipper.AESZipFile(io.BytesIO(data)) as zf:
        if passphrase is not None:
            zf.setpassword(passphrase.encode())
        return zf.read(name)


def test_an_emailed_package_is_an_aes_zip_opened_only_with_the_passphrase(app, smtp_server, actor):
    case = ready_to_answer(actor)
    letter = correspondence.send_as_drafted(case, "answer", actor=actor, today=TODAY, now=NOW,
                                            passphrase_channel="registered_letter")
    passphrase = letter.passphrase
    assert len(passphrase.replace("-", "")) == 20
    correspondence.deliver_outbox(now=NOW)
    [message] = smtp_server.messages
    [attachment] = [part for part in message.iter_attachments()]
    data = attachment.get_content()
    assert _open(data, passphrase) == EXPORT
    with zipfile.ZipFile(io.BytesIO(data)) as plain:
        assert plain.infolist()[0].flag_bits & 0x1  # every entry encrypted
        assert all(info.compress_type == 99 for info in plain.infolist())  # 99: WinZip AES
    for wrong in (None, "AAAA-BBBB-CCCC-DDDD-EEEE"):
        with pytest.raises(RuntimeError):
            _open(data, wrong)
    body = message.get_body(("plain",)).get_content()
    assert "versleuteld ZIP-bestand" in body and passphrase not in body


def test_the_passphrase_is_never_stored_but_its_channel_and_time_are(app, actor):
    case = ready_to_answer(actor)
    letter = correspondence.send_as_drafted(case, "answer", actor=actor, today=TODAY, now=NOW,
                                            passphrase_channel="phone")
    passphrase = letter.passphrase
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert letter.passphrase_channel == "phone"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "package_passphrase"))
    assert event.detail == "phone | answer" and event.created_at == NOW
    stored = [letter.body, letter.subject] + [e.after or "" for e in case.events] + [e.detail or "" for e in case.events]
    stored += [m.body_text for m in db.session.scalars(select(OutboxMessage))]
    assert not any(passphrase in text for text in stored)


def test_an_emailed_package_needs_a_passphrase_channel(app, actor):
    case = ready_to_answer(actor)
    body = correspondence.draft(case, "answer", locale="nl", sender_name="An", today=TODAY).body
    with pytest.raises(ServiceError) as error:
        correspondence.send(case, actor=actor, kind="answer", locale="nl", subject="Antwoord", body=body,
                            attach_package=True, today=TODAY, now=NOW)
    assert error.value.field == "passphrase_channel"
    assert db.session.scalar(select(Letter)) is None


def test_a_registered_letters_package_stays_a_plain_zip(app, actor):
    case = ready_to_answer(actor, channel="registered_letter")
    letter = correspondence.send_as_drafted(case, "answer", actor=actor, today=TODAY, now=NOW)
    assert letter.passphrase is None and letter.passphrase_channel is None
    with zipfile.ZipFile(os.path.join(app.instance_path, letter.package_path)) as zf:
        assert zf.read("data/webshop-export.json") == EXPORT
    assert "versleuteld" not in letter.body


def test_staff_choose_the_channel_and_see_the_passphrase_once(client, auth, actor):
    case = ready_to_answer(actor)
    auth.login()
    page = client.get(f"/cases/{case.id}/letters/new?kind=answer").get_data(as_text=True)
    assert 'name="passphrase_channel"' in page and "Telefonisch" in page
    draft = correspondence.draft(case, "answer", locale="nl", sender_name="An Peeters", today=date.today())
    data = {"version": db.session.get(Case, case.id).version, "subject": draft.subject, "body": draft.body,
            "attach_package": "y", "decisions": resolution.decisions_stamp(db.session.get(Case, case.id))}
    r = client.post(f"/cases/{case.id}/letters/new?kind=answer", data=data)
    assert r.status_code == 422 and "Kies hoe de verzoeker het wachtwoord" in r.get_data(as_text=True)
    r = client.post(f"/cases/{case.id}/letters/new?kind=answer", data=data | {"passphrase_channel": "phone"},
                    follow_redirects=True)
    page = r.get_data(as_text=True)
    shown = page.split('class="flash passphrase"', 1)[1].split("</div>", 1)[0]
    assert "Telefonisch" in shown and "maar één keer" in shown
    passphrase = shown.split("gegevenspakket: ", 1)[1][:24]
    letter = db.session.scalar(select(Letter))
    path = os.path.join(client.application.instance_path, letter.package_path)
    assert _open(open(path, "rb").read(), passphrase) == EXPORT
    again = client.get(f"/cases/{case.id}/letters/{letter.id}").get_data(as_text=True)
    assert passphrase not in again and "Telefonisch" in again  # shown once; the channel stays


def test_an_empty_file_is_refused_and_nothing_is_added(app, actor):
    case = ready_to_answer(actor)
    with pytest.raises(ServiceError) as error:
        packages.add_files(case, [("orders.csv", io.BytesIO(b"a;b\n")), ("leeg.json", io.BytesIO(b""))], actor=actor)
    assert "leeg.json" in str(error.value.message)
    assert [f.display_name for f in db.session.get(Case, case.id).package_files] == ["webshop-export.json"]
    assert not [n for n in os.listdir(packages.folder(case)) if n.endswith(("orders.csv", "leeg.json"))]


def test_a_file_with_the_same_content_is_flagged(client, auth, actor):
    case = ready_to_answer(actor)
    auth.login()
    r = client.post(f"/cases/{case.id}/package", data={"files": [(io.BytesIO(EXPORT), "kopie.json")]},
                    content_type="multipart/form-data", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "1 bestand toegevoegd" in page
    assert "kopie.json heeft dezelfde inhoud (SHA-256) als webshop-export.json" in page
    assert "zelfde inhoud als webshop-export.json" in page.split('id="package"', 1)[1]


def test_package_files_are_deleted_after_the_retention_period_keeping_names_sizes_and_hashes(app, actor):
    case = ready_to_answer(actor)
    letter = correspondence.send_as_drafted(case, "answer", actor=actor, today=TODAY, now=NOW,
                                            passphrase_channel="phone")
    correspondence.deliver_outbox(now=NOW)
    zip_path = os.path.join(app.instance_path, letter.package_path)
    [record] = db.session.get(Case, case.id).package_files
    upload = os.path.join(packages.folder(case), record.stored_name)
    assert os.path.exists(zip_path) and os.path.exists(upload)

    assert jobs.run("packages", today=TODAY + timedelta(days=29)).count == 0  # 30 days by default
    assert os.path.exists(zip_path) and os.path.exists(upload)
    result = jobs.run("packages", today=TODAY + timedelta(days=30))
    assert (result.status, result.count) == ("done", 1)
    assert not os.path.exists(zip_path) and not os.path.exists(upload)
    db.session.expire_all()
    record = db.session.get(PackageFile, record.id)
    assert record.purged_at is not None and record.size == len(EXPORT) and record.display_name == "webshop-export.json"
    letter = db.session.get(Letter, letter.id)
    assert letter.package_path is None and letter.package_name.endswith("-gegevens.zip")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "package_purged"))
    assert event.user_id is None and record.sha256 in event.after and "webshop-export.json" in event.after
    assert jobs.run("packages", today=TODAY + timedelta(days=31)).count == 0  # nothing left to delete


def test_retention_is_a_setting(app, actor):
    case = ready_to_answer(actor, channel="registered_letter")
    correspondence.send_as_drafted(case, "answer", actor=actor, today=TODAY, now=NOW)
    app.config["PACKAGE_RETENTION_DAYS"] = 7
    try:
        assert jobs.run("packages", today=TODAY + timedelta(days=7)).count == 1
    finally:
        app.config["PACKAGE_RETENTION_DAYS"] = 30

"""The small holes of issue 18, each one reproduced by a security review and closed: the register export with a
right filter, an emailed package downloaded from its letter, numbers in the URL, ZIP entry names, a chunked body
buffered before the size limit, and a letter's PDF readdressed to the case's current address."""
import csv
import io
import os
import re
import select
import socket
import threading
import time
import unicodedata
import zipfile
from datetime import date, datetime, timezone

import pytest
import pyzipper
from pypdf import PdfReader
from sqlalchemy import select as sql_select

from caseflow.evidence import service as evidence
from caseflow.extensions import db
from caseflow.letters import package_zip, packages
from caseflow.letters import service as correspondence
from caseflow.models import AuditEvent, Case, Letter
from caseflow.registered import service as registered
from caseflow.services import cases as svc
from caseflow.services import resolution
from caseflow.services.register import MAX_ID, MAX_PAGE, as_number, page_number
from tests.fixtures.cases import open_case, work_checklists
from tests.fixtures.users import make_user
from tests.test_dashboard import add_case
from tests.test_register_list import cases, listed, today  # noqa: F401 (fixtures)
from tests.test_run_base_url import run_module  # noqa: F401 (fixture)

TODAY = date(2026, 3, 5)
EXPORT = b'{"klantnummer": "K-1042", "naam": "Jan Claes"}'
OLD_ADDRESS, NEW_ADDRESS = "Kerkstraat 12\n2960 Brecht", "Marktplein 7\n2000 Antwerpen"


@pytest.fixture
def actor(app):
    return make_user()


def answered_case(actor, *, channel="email", requester_email="jan.claes@example.be"):
    """An access case ready for its answer, with one export in its data package."""
    case = open_case(actor, channel=channel, requester_email=requester_email, requester_address=OLD_ADDRESS,
                     today=TODAY, received_on=TODAY)
    svc.record_identity(case, actor=actor, method="mail van het klantaccount", today=TODAY)
    work_checklists(case, actor, today=TODAY)
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted")
    packages.add_files(case, [("webshop-export.json", io.BytesIO(EXPORT))], actor=actor)
    return case


# 1. The register export takes every filter the register takes, the right included -------------------------------

def exported(client, fmt="csv", **args) -> list[str]:
    response = client.get(f"/cases/export.{fmt}", query_string=args, buffered=True)
    assert response.status_code == 200, args
    if fmt == "json":
        return [item["reference"] for item in response.get_json()]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    return [row[0] for row in rows[1:]]


@pytest.mark.parametrize("args", [
    {"status": "all", "right": "portability"},
    {"right": "access"},
    {"status": "all", "right": "erasure", "channel": "registered_letter"},
    {"status": "all", "right": "access", "q": "elise"},
    {"status": "all", "right": "access", "with_requester": "y"},
    {"status": "all", "channel": "registered_letter"},
    {"assignee": "none"},
    {"level": "overdue"},
    {"status": "all", "received_from": "2026-10-01", "received_to": "2026-10-31"},
    {"status": "all", "deadline_from": "2026-12-01"},
    {"status": "closed", "q": "mia pee"},
])
def test_the_export_holds_the_cases_the_register_shows(client, cases, args):
    shown = sorted(listed(client, **{k: v for k, v in args.items() if k != "with_requester"}))
    assert shown, "each filter here finds a case"
    assert sorted(exported(client, "csv", **args)) == shown
    assert sorted(exported(client, "json", **args)) == shown


def test_the_export_of_one_right_still_lists_every_right_of_its_cases(client, cases):
    both = add_case(date(2026, 11, 20), status="in_progress", rights=("access", "erasure"))
    response = client.get("/cases/export.json", query_string={"right": "erasure"}, buffered=True)
    [item] = [item for item in response.get_json() if item["reference"] == both.reference]
    assert [r["right"] for r in item["rights"]] == ["access", "erasure"]
    assert cases[0].reference not in [item["reference"] for item in response.get_json()]  # access only


# 2. An emailed (encrypted) package downloads from its letter as sent; its files are listed from the record ------

def test_the_package_of_an_emailed_answer_downloads_exactly_as_sent(app, client, auth, actor):
    case = answered_case(actor)
    letter = correspondence.send_as_drafted(case, "answer", actor=actor, today=TODAY, passphrase_channel="phone")
    passphrase, letter_id = letter.passphrase, letter.id
    with open(os.path.join(app.instance_path, letter.package_path), "rb") as fh:
        sent = fh.read()
    assert db.session.get(Letter, letter_id).outbox_message.attachment_path == letter.package_path  # what went out
    auth.login()

    response = client.get(f"/cases/{case.id}/letters/{letter_id}/package.zip")

    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.data == sent  # byte for byte: still encrypted, nothing opened or rebuilt
    with zipfile.ZipFile(io.BytesIO(response.data)) as plain:
        assert all(info.flag_bits & 0x1 and info.compress_type == 99 for info in plain.infolist())  # WinZip AES
    with pyzipper.AESZipFile(io.BytesIO(response.data)) as zf:
        zf.setpassword(passphrase.encode())
        assert zf.read("data/webshop-export.json") == EXPORT
    event = db.session.scalars(sql_select(AuditEvent).where(AuditEvent.action == "package_downloaded")).one()
    assert event.detail == f"{letter.package_name}: webshop-export.json"


def test_the_letter_page_lists_the_files_sent_without_opening_the_zip(app, client, auth, actor):
    case = answered_case(actor)
    packages.add_files(case, [("bestellingen.csv", io.BytesIO(b"nr;bedrag\n1042;24,95\n"))], actor=actor)
    letter = correspondence.send_as_drafted(case, "answer", actor=actor, today=TODAY, passphrase_channel="phone")
    time.sleep(0.01)  # what follows comes after the letter
    packages.add_files(case, [("later.csv", io.BytesIO(b"x"))], actor=actor)  # not in what was sent
    packages.remove_file(case, next(f.id for f in case.package_files if f.display_name == "bestellingen.csv"),
                         actor=actor)  # was sent, so still listed
    with open(os.path.join(app.instance_path, letter.package_path), "wb") as fh:
        fh.write(b"not a zip at all")  # whatever is in the file, the list comes from what Caseflow recorded
    auth.login()

    page = client.get(f"/cases/{case.id}/letters/{letter.id}")

    assert page.status_code == 200
    listing = re.search(r'<ul id="letter-package-files">(.*?)</ul>', page.get_data(as_text=True), re.S)[1]
    assert re.findall(r"<li>(.*?)</li>", listing) == ["webshop-export.json", "bestellingen.csv"]
    assert client.get(f"/cases/{case.id}/letters/{letter.id}/package.zip").data == b"not a zip at all"


# 3. Numbers in the URL: ASCII digits within range, anything else ignored, never a server error -------------------

HOSTILE_NUMBERS = ["99999999999999999999999", "18446744073709551616", "9223372036854775808", "2147483648", "\u00b2",
                   "\u0663", "\uff17", " 1", "1 ", "+1", "-1", "0x10", "1e3", "1_000", "", "\x00"]


@pytest.mark.parametrize("value", HOSTILE_NUMBERS)
def test_a_hostile_number_in_the_register_url_is_ignored(client, cases, value):
    everything = sorted(listed(client, status="all"))
    assert sorted(listed(client, status="all", page=value)) == everything  # the first page
    assert sorted(listed(client, status="all", assignee=value)) == everything  # everyone
    assert sorted(exported(client, status="all", assignee=value)) == everything


def test_the_number_parser_takes_ascii_digits_in_range_only():
    assert as_number("42", high=100) == 42 and as_number("007", high=100) == 7
    for value in HOSTILE_NUMBERS + [None, 3, "101"]:
        assert as_number(value, high=100) is None, repr(value)
    assert as_number(str(MAX_ID), low=1, high=MAX_ID) == MAX_ID and as_number(str(MAX_ID + 1), high=MAX_ID) is None
    assert page_number("3") == 3 and page_number("0") == 1 and page_number(str(MAX_PAGE + 1)) == 1
    assert page_number(None) == 1


def test_a_page_far_past_the_end_is_an_empty_page(client, cases):
    assert listed(client, status="all", page=str(MAX_PAGE)) == []


# 4. Every ZIP entry name Caseflow writes is safe and unique --------------------------------------------------------

RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9\u00b9\u00b2\u00b3]|LPT[0-9\u00b9\u00b2\u00b3])( *\..*)?", re.I)
BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
HOSTILE_NAMES = ["../../../../tmp/x.pdf", "/etc/passwd", "..\\..\\windows\\system32\\x.dll", "C:\\Users\\x.pdf",
                 "C:evil.pdf", "\\\\server\\share\\x.pdf", "..", ".", "...", "", " ", "a/../../b.pdf",
                 "invoice\u202efdp.exe", "\u2066x\u2069.pdf", "\u200ename\u200f.pdf", "tab\there.pdf", "nl\nx.pdf",
                 "CON", "con.txt", "Nul.tar.gz", "COM1", "lpt9.csv", "COM\u00b9.pdf", "AUX .pdf", "PRN.",
                 "trailing. . .", "trailing   ", "x" * 300 + ".pdf", "zero\u200bwidth.pdf", "\u00c5\u0301.csv"]


def assert_safe_entry(name: str, *, folders: int):
    parts = name.split("/")
    assert len(parts) == folders + 1, name
    assert not name.startswith("/") and "\\" not in name and ":" not in name, name
    for part in parts:
        assert part and part not in (".", "..") and part == part.strip(" ."), name
        assert not RESERVED.fullmatch(part), name
        assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs") for ch in part), name
        assert not BIDI & set(part) and len(part) <= 160, name
    name.encode("utf-8")  # no lone surrogate left


@pytest.mark.parametrize("hostile", HOSTILE_NAMES + ["bad\ud800half.pdf"])  # a lone surrogate: no UTF-8 for it
def test_a_hostile_name_becomes_a_safe_entry_name(hostile):
    assert_safe_entry(package_zip.EntryNames()("data", hostile), folders=1)
    assert_safe_entry(package_zip.safe_name(hostile), folders=0)


def test_entry_names_are_unique_in_the_archive_ignoring_case():
    names = package_zip.EntryNames()
    given = [names("data", n) for n in ("Report.csv", "report.csv", "../report.csv", "REPORT.CSV", "report.csv\u202e")]
    assert len({n.casefold() for n in given}) == len(given)
    assert given[:2] == ["data/Report.csv", "data/report (2).csv"]
    assert names("CON.txt") == "_CON.txt" and names("con.txt") == "_con (2).txt"


def test_a_package_of_hostile_names_unpacks_inside_its_folder(app, actor, tmp_path):
    files = []
    for i, name in enumerate(HOSTILE_NAMES):
        path = tmp_path / f"f{i}"
        path.write_bytes(b"x%d" % i)
        files.append((name, str(path)))
    data = package_zip.build_package(files, reference="DSR-2026-0001", info_sheet=b"%PDF",
                                     created_at=datetime(2026, 3, 5, 10, tzinfo=timezone.utc))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert len(set(n.casefold() for n in names)) == len(names) == len(HOSTILE_NAMES) + 3
        for name in names:
            assert_safe_entry(name, folders=1 if name.startswith("data/") else 0)
        zf.extractall(tmp_path / "out")
    assert len(list((tmp_path / "out" / "data").iterdir())) == len(HOSTILE_NAMES)


def test_the_evidence_zip_keeps_a_hostile_receipt_name_inside_its_folder(app, actor):
    case = answered_case(actor, channel="registered_letter", requester_email=None)
    letter = correspondence.send_as_drafted(case, "answer", actor=actor, today=TODAY)
    registered.record_posting(letter, actor=actor, posted_on=TODAY, tracking_number="AA123456789BE",
                              receipt=io.BytesIO(b"%PDF-1.4 ontvangstbewijs"), receipt_name="../../../../tmp/x.pdf",
                              today=TODAY)
    name, data = evidence.pack(db.session.get(Case, case.id), locale="nl")
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        for entry in names:
            assert_safe_entry(entry, folders=entry.count("/"))
            assert ".." not in entry.split("/")
        [receipt] = [n for n in names if n.endswith("x.pdf")]
        assert receipt.split("/")[1] == f"{letter.id}-x.pdf" and zf.read(receipt) == b"%PDF-1.4 ontvangstbewijs"


# 5. Waitress takes no request body larger than the app does ----------------------------------------------------

def test_a_chunked_body_past_the_limit_is_refused_before_it_ends(app, monkeypatch, run_module):
    run = run_module(CASEFLOW_AUDIT_KEY="test-only-audit-key")  # run.py builds an app of its own at import
    limit = 256 * 1024
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", limit)
    server = run.make_server(app, "127.0.0.1", 0)
    assert server.adj.max_request_body_size == limit == app.config["MAX_CONTENT_LENGTH"]  # equal, not a bit more
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        reply = _post_chunked_without_end("127.0.0.1", server.effective_port, chunk=64 * 1024,
                                          most=64 * limit)
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        thread.join(5)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:80]


def _post_chunked_without_end(host, port, *, chunk: int, most: int) -> bytes:
    """Send an anonymous chunked POST, never its last (empty) chunk, until the server answers; then read until it
    closes the connection. A server buffering the whole body would never answer: that is a timeout here."""
    sock = socket.create_connection((host, port), timeout=10)
    try:
        sock.sendall(b"POST /login HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                     b"Content-Type: application/octet-stream\r\n\r\n")
        piece, sent = b"%x\r\n" % chunk + b"a" * chunk + b"\r\n", 0
        try:
            while sent < most and not select.select([sock], [], [], 0)[0]:
                sock.sendall(piece)
                sent += chunk
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed the connection: its answer is still to be read
        assert select.select([sock], [], [], 10)[0], f"no answer after {sent} bytes of a body that never ended"
        reply = b""
        while True:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break  # closed by the server
            reply += data
        return reply
    finally:
        sock.close()


# 6. A letter's PDF is the letter as sent, to the address it was sent to -------------------------------------------

def test_a_letters_pdf_keeps_the_address_it_was_sent_to(app, client, auth, actor):
    case = answered_case(actor, channel="registered_letter", requester_email=None)
    letter = correspondence.send_as_drafted(case, "answer", actor=actor, today=TODAY)
    svc.update_requester(case, actor=actor, requester_name="Jan Claes-Peeters", requester_address=NEW_ADDRESS,
                         requester_email=None, customer_number=None, requester_salutation=None)
    assert db.session.get(Case, case.id).requester_address == NEW_ADDRESS
    auth.login()

    response = client.get(f"/cases/{case.id}/letters/{letter.id}.pdf")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Kerkstraat 12" in text and "2960 Brecht" in text and "Jan Claes" in text
    assert "Marktplein" not in text and "Antwerpen" not in text and "Claes-Peeters" not in text

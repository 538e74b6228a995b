"""The register for the authority: CSV for Excel in Belgium (semicolons, UTF-8 with BOM, no formulas) and JSON,
of the cases the current filters show, the requester's details only when asked."""
import csv
import io
import json
from datetime import date

from caseflow.extensions import db
from caseflow.services.export import neutralise
from tests.test_dashboard import add_case
from tests.test_register_list import cases, today  # noqa: F401 (fixtures)

HEADER = ["Dossiernummer", "Ontvangen op", "Ontvangen via", "Rechten", "Uiterste antwoorddatum", "Verlengd",
          "Beantwoord op", "Tijdig", "Beslissingen", "Weigeringsgronden"]


def read_csv(response):
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_csv_columns_encoding_and_separator(client, cases):
    a, b, c, _ = cases
    response = client.get("/cases/export.csv?status=all", buffered=True)
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == HEADER
    by_ref = {row[0]: row for row in rows[1:]}
    assert set(by_ref) == {a.reference, b.reference, c.reference}
    closed = by_ref[c.reference]
    assert closed[1] == "2026-03-02" and closed[4] == "2026-04-02" and closed[6] == "2026-03-20"
    assert closed[7] == "ja" and closed[5] == "nee" and closed[8] == "Ingewilligd"
    assert by_ref[a.reference][6] == "" and by_ref[a.reference][7] == ""  # not answered yet
    assert "Élise Çelik" not in response.get_data(as_text=True)  # no requester's details unless asked


def test_csv_header_is_dutch(client, cases):
    rows = read_csv(client.get("/cases/export.csv?status=closed", buffered=True))
    assert rows[0] == HEADER


def test_export_follows_the_filters_and_adds_the_requester_when_asked(client, cases):
    a, b, c, _ = cases
    rows = read_csv(client.get("/cases/export.csv?status=all&q=elise&with_requester=y", buffered=True))
    assert [row[0] for row in rows[1:]] == [a.reference]
    assert rows[0][-4:] == ["Naam", "E-mailadres", "Postadres", "Klantnummer"]
    assert rows[1][-4:-1] == ["Élise Çelik", "Elise@Example.be", ""]


def test_a_formula_looking_name_is_neutralised(client, cases):
    a = cases[0]
    a.requester_name = '=HYPERLINK("http://evil.example","klik")'
    db.session.commit()
    rows = read_csv(client.get("/cases/export.csv?status=all&with_requester=y", buffered=True))
    row = next(r for r in rows if r[0] == a.reference)
    assert row[-4] == "'" + a.requester_name
    for cell in ("+32 3 123", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralise(cell).startswith("'")
    assert neutralise("Jan") == "Jan" and neutralise("DSR-2026-0001") == "DSR-2026-0001"


def test_json_export(client, cases):
    a, b, c, _ = cases
    data = json.loads(client.get("/cases/export.json?status=closed&with_requester=1", buffered=True).get_data())
    assert data == [{
        "reference": c.reference, "received_on": "2026-03-02", "channel": "other", "deadline": "2026-04-02",
        "extended": False, "answered_on": "2026-03-20", "on_time": True,
        "rights": [{"right": "portability", "outcome": "granted", "reason_code": None}],
        "requester": {"name": "Mia Peeters", "email": None, "address": None, "customer_number": None},
    }]


def test_an_extension_in_force_is_judged_against_the_extended_deadline(client, app, today):
    from caseflow.legal.deadlines import legal_deadline

    late = add_case(date(2026, 3, 2), answered=date(2026, 4, 9), extended_on=date(2026, 3, 20))  # not told
    told = add_case(date(2026, 3, 3), answered=date(2026, 4, 9), extended_on=date(2026, 3, 20),
                    deadline=legal_deadline(date(2026, 3, 3), extended=True))
    from tests.fixtures.users import make_user
    make_user()
    client.post("/login", data={"email": "an@labelstudio.be", "password": "correct horse battery"})
    data = {item["reference"]: item for item in
            json.loads(client.get("/cases/export.json?status=all", buffered=True).get_data())}
    assert data[late.reference]["on_time"] is False and data[told.reference]["on_time"] is True


def test_the_closed_register_holds_every_closed_case_whatever_its_history(client, logged_in):
    """Closed, reopened and closed again, or closed once: the closed list and its export hold every closed case
    (they rely on a closed case having its closing time), and a reopened one is back among the open ones."""
    from datetime import timedelta

    from caseflow import clock
    from caseflow.legal.rights import HANDLED_CLOSED_STATUSES
    from caseflow.models import Case
    from caseflow.services import cases as svc
    from caseflow.services import closing
    from tests.fixtures.cases import open_case
    from tests.fixtures.users import make_user

    admin = make_user("beheer@labelstudio.be", "Beheerder", admin=True)
    today = clock.today()
    kept_closed = open_case(logged_in, received_on=today - timedelta(days=3), today=today, requester_name="Een")
    svc.close(kept_closed, actor=logged_in, status="withdrawn", note="ingetrokken")
    twice = open_case(logged_in, received_on=today - timedelta(days=3), today=today, requester_name="Twee")
    svc.close(twice, actor=logged_in, status="withdrawn", note="ingetrokken")
    closing.reopen(twice, actor=admin, reason="Per vergissing afgesloten")
    reopened = open_case(logged_in, received_on=today - timedelta(days=3), today=today, requester_name="Drie")
    svc.close(reopened, actor=logged_in, status="withdrawn", note="ingetrokken")
    closing.reopen(reopened, actor=admin, reason="Nog niet af")
    svc.close(twice, actor=logged_in, status="withdrawn", note="toch ingetrokken")

    closed = db.session.scalars(db.select(Case.reference).where(Case.status.in_(HANDLED_CLOSED_STATUSES))).all()
    assert sorted(closed) == sorted([kept_closed.reference, twice.reference])
    exported = json.loads(client.get("/cases/export.json?status=closed", buffered=True).get_data())
    assert sorted(row["reference"] for row in exported) == sorted(closed)
    page = client.get("/cases?status=closed").get_data(as_text=True)
    assert all(ref in page for ref in closed) and reopened.reference not in page
    assert reopened.reference in client.get("/cases").get_data(as_text=True)

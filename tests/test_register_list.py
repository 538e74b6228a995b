"""The register at /cases: every filter, the search, sorting, paging without counting, bookmarkable URLs, and a
guard against N+1 queries on a few hundred cases."""
import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import event

from caseflow import clock
from caseflow.demo.bulk import seed_bulk
from caseflow.extensions import db
from caseflow.models import Case
from tests.fixtures.users import make_user
from tests.test_dashboard import add_case

TODAY = date(2026, 11, 25)


def refs(html: str) -> list[str]:
    return re.findall(r'<td><a href="/cases/\d+">(DSR-\d{4}-\d{4})</a></td>', html)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def cases(app, logged_in, today):
    """a: open, email, access, An's; b: open, letter, erasure, unassigned, overdue; c: closed, other, portability."""
    colleague = make_user("piet@labelstudio.be", "Piet Maes")
    a = add_case(date(2026, 11, 10), status="in_progress", assignee=logged_in, rights=("access",))
    b = add_case(date(2026, 10, 1), status="new", channel="registered_letter", rights=("erasure",))
    c = add_case(date(2026, 3, 2), answered=date(2026, 3, 20), channel="other", rights=("portability",),
                 assignee=colleague)
    a.requester_name, a.requester_email, a.customer_number = "Élise Çelik", "Elise@Example.be", "LS40411"
    a.request_text = "Graag inzage in mijn gegevens."
    b.requester_name, b.escalation_level = "Jan Claes", "overdue"
    c.requester_name = "Mia Peeters"
    db.session.commit()
    return a, b, c, colleague


def listed(client, **args) -> list[str]:
    response = client.get("/cases", query_string=args)
    assert response.status_code == 200
    return refs(response.get_data(as_text=True))


def test_every_filter(client, cases):
    a, b, c, colleague = (x.reference if isinstance(x, Case) else x for x in cases)
    assert listed(client) == [b, a]  # open, most urgent first
    assert listed(client, status="closed") == [c]
    assert sorted(listed(client, status="all")) == sorted([a, b, c])
    assert listed(client, status="new") == [b]
    assert listed(client, status="all", right="portability") == [c]
    assert listed(client, status="all", channel="registered_letter") == [b]
    assert listed(client, status="all", assignee=str(colleague.id)) == [c]
    assert listed(client, assignee="none") == [b]
    assert listed(client, level="overdue") == [b]
    assert listed(client, status="all", received_from="2026-10-01", received_to="2026-10-31") == [b]
    assert listed(client, status="all", deadline_from="2026-12-01") == [a]  # 10 Nov + 1 month = 10 Dec
    assert listed(client, status="all", deadline_to="2026-04-30") == [c]
    assert listed(client, status="all", received_from="nonsense") != []  # a hand-edited URL shows a register


def test_search_ignores_case_and_accents_on_every_field(client, cases):
    a, b, c = (x.reference for x in cases[:3])
    for typed in ("élise", "ELISE ÇELIK", "elise@example.be", "ls40411", "INZAGE", "celik", a.lower()):
        assert listed(client, status="all", q=typed) == [a], typed
    assert listed(client, status="all", q="mia pee") == [c]
    assert listed(client, status="all", q="niemand") == []


@pytest.mark.parametrize("key, ascending", [
    # names accent-blind: "Élise" (a) before "Jan" (b) and "Mia" (c)
    ("reference", "abc"), ("requester", "abc"), ("status", "abc"), ("received", "cba"), ("deadline", "cba"),
    ("assignee", "acb"),
])
def test_sorting_by_each_column(client, cases, key, ascending):
    by_letter = dict(zip("abc", (x.reference for x in cases[:3])))
    order = [by_letter[x] for x in ascending]
    html = client.get("/cases", query_string={"status": "all", "sort": key}).get_data(as_text=True)
    if key != "assignee":  # nobody (b) sorts first or last depending on the database: the two others are checked
        assert refs(html) == order, key
    else:
        assert [r for r in refs(html) if r != by_letter["b"]] == [by_letter["a"], by_letter["c"]]
    assert 'aria-sort="ascending"' in html
    descending = refs(client.get("/cases", query_string={"status": "all", "sort": f"-{key}"}).get_data(as_text=True))
    assert descending == list(reversed(refs(html)))


def test_pages_without_counting_and_links_that_keep_the_view(app, client, cases):
    app.config["CASES_PER_PAGE"] = 2
    try:
        first = client.get("/cases?status=all&sort=received&channel=").get_data(as_text=True)
        assert len(refs(first)) == 2 and 'rel="prev"' not in first
        link = re.search(r'rel="next" href="([^"]+)"', first)[1].replace("&amp;", "&")
        assert "status=all" in link and "sort=received" in link and "page=2" in link and "channel" not in link
        second = client.get(link).get_data(as_text=True)
        assert len(refs(second)) == 1 and 'rel="next"' not in second and 'rel="prev"' in second
        assert set(refs(first) + refs(second)) == {x.reference for x in cases[:3]}
    finally:
        app.config["CASES_PER_PAGE"] = 25


def test_sort_links_and_export_keep_the_filters(client, cases):
    html = client.get("/cases?status=all&right=access&q=elise").get_data(as_text=True)
    header = re.search(r'href="(/cases\?[^"]*sort=deadline[^"]*)"', html)[1].replace("&amp;", "&")
    assert "right=access" in header and "q=elise" in header and "status=all" in header
    assert '<input type="hidden" name="right" value="access">' in html  # the export form asks for the same cases


class Queries:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1


@pytest.fixture
def big_register(app, admin, today):
    seed_bulk(300, seed=5, today=today, staff=[admin], echo=lambda *a: None)
    return admin


def test_each_page_takes_a_few_queries_whatever_the_number_of_cases(client, auth, big_register):
    """An N+1 guard on 300 cases (25 on a page): a query per case would show as hundreds."""
    auth.login("admin@labelstudio.be")
    busy = db.session.scalar(db.select(Case.id).where(Case.status == "resolved").limit(1))
    from caseflow.models import CaseRight
    most_rights = db.session.scalar(db.select(CaseRight.case_id).group_by(CaseRight.case_id)
                                    .order_by(db.func.count().desc(), CaseRight.case_id).limit(1))
    email = db.session.scalar(db.select(Case.requester_email).where(Case.requester_email.is_not(None)).limit(1))
    counter = Queries()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        for path in ("/", "/cases", "/cases?status=closed", "/cases?status=all&right=erasure",
                     "/cases?status=all&q=peeters", f"/cases?status=all&q={email}", "/cases?status=all&sort=deadline",
                     f"/cases/{busy}", f"/cases/{most_rights}", "/cases/export.csv?status=all", "/cases/export.json?status=all&with_requester=y"):
            counter.count = 0
            response = client.get(path, buffered=True)  # an export streams: read it all inside the request
            assert response.status_code == 200, path
            if path.startswith("/cases?"):
                assert len(refs(response.get_data(as_text=True))) > 0, path
            assert counter.count <= 10, (path, counter.count)
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)


def row_of(html: str, name: str) -> str:
    """The register's table row that names this requester."""
    return next(row for row in html.split("<tr") if name in row).split("</tr>")[0]


def test_each_row_shows_the_deadline_in_force_as_the_case_page_does(client, logged_in):
    """The row's deadline, colour and badges are worked out once per row: each kind of case checked against its
    case page and against the deadline rules (an extension counts once told; a suspension moves the deadline)."""
    from caseflow.legal.deadlines import legal_deadline
    from caseflow.services import cases as svc
    from caseflow.services import identity
    from tests.fixtures.cases import extend_and_tell, open_case

    today = clock.today()
    told = open_case(logged_in, received_on=today - timedelta(days=20), today=today, requester_name="Verlengd Verteld")
    extend_and_tell(told, logged_in, today=today)
    untold = open_case(logged_in, received_on=today - timedelta(days=20), today=today, requester_name="Verlengd Stil")
    svc.extend(untold, actor=logged_in, reason="Veel systemen", today=today)
    waiting = open_case(logged_in, received_on=today - timedelta(days=10), today=today, requester_name="Wacht Nog")
    identity.request_identity(waiting, actor=logged_in, asked_on=today - timedelta(days=4), today=today)
    waited = open_case(logged_in, received_on=today - timedelta(days=30), today=today, requester_name="Al Gewacht")
    identity.request_identity(waited, actor=logged_in, asked_on=today - timedelta(days=25), today=today)
    identity.record_identity(waited, actor=logged_in, check="knowledge", method="ordernummer",
                             received_on=today - timedelta(days=19), today=today)
    late = open_case(logged_in, received_on=today - timedelta(days=45), today=today, requester_name="Te Laat")
    late.escalation_level, late.escalated_on = "overdue", today - timedelta(days=2)
    db.session.commit()

    page = client.get("/cases").get_data(as_text=True)
    expected = {
        told: legal_deadline(told.received_on, extended=True),
        untold: legal_deadline(untold.received_on),
        waiting: legal_deadline(waiting.received_on, suspended_days=4),  # still waiting: moves a day a day
        waited: legal_deadline(waited.received_on, suspended_days=6),  # waited 6 days, then the answer came
        late: legal_deadline(late.received_on),
    }
    for case, deadline in expected.items():
        row = row_of(page, case.requester_name)
        shown = deadline.strftime("%d/%m/%Y")
        assert f'<td class="deadline">{shown}' in row, (case.requester_name, row)
        case_page = client.get(f"/cases/{case.id}").get_data(as_text=True)
        assert f"<strong>{format_date(deadline, 'd MMMM y', locale='nl')}</strong>" in case_page, case.requester_name
    assert "(verlengd)" in row_of(page, "Verlengd Verteld") and "verlengd" not in row_of(page, "Verlengd Stil")
    assert "termijn opgeschort" in row_of(page, "Wacht Nog") and "opgeschort" not in row_of(page, "Al Gewacht")
    late_row = row_of(page, "Te Laat")
    assert late_row.lstrip().startswith('class="overdue"')
    assert "dagen over tijd" in late_row and "Geëscaleerd" in late_row
    assert f'title="Geëscaleerd op {late.escalated_on.strftime("%d/%m/%Y")}"' in late_row


def test_row_links_open_the_case_also_behind_a_path_prefix(app, client, cases):
    """Each row links to its case page as url_for builds it, also when the app is served under a prefix."""
    a, b, c, _colleague = cases
    for base_url, prefix in (("http://localhost/", ""), ("http://localhost/caseflow/", "/caseflow")):
        page = client.get("/cases", base_url=base_url).get_data(as_text=True)
        links = re.findall(r'<td><a href="([^"]+)">(DSR-\d{4}-\d{4})</a></td>', page)
        assert sorted(links) == sorted((f"{prefix}/cases/{case.id}", case.reference) for case in (a, b)), links
        with app.test_request_context(base_url=base_url):
            from flask import url_for
            assert {href for href, _ref in links} == {url_for("cases.show", case_id=case.id) for case in (a, b)}
    assert b.reference in client.get(f"/cases/{b.id}").get_data(as_text=True)


def test_names_sort_as_people_read_them(client, logged_in, today):
    """Accents and capitals do not move a name: "Élise" sorts with the e's, "de Smet" with "De Smet"; a corrected
    name sorts by its new spelling."""
    from caseflow.services import cases as svc

    names = ["Mia Peeters", "de Smet Jan", "Ömer Aydın", "Élise Çelik", "De Smet An", "Emma Claes", "Zoë Maes"]
    made = {name: add_case(date(2026, 11, 2), status="new") for name in names}
    for name, case in made.items():
        case.requester_name = name
    db.session.commit()
    svc.update_requester(made["Zoë Maes"], actor=logged_in, requester_name="Anna Maes", requester_email="anna@example.be")
    html = client.get("/cases", query_string={"sort": "requester"}).get_data(as_text=True)
    shown = [made[n].reference for n in names]
    order = [made[n].reference for n in ("Zoë Maes", "De Smet An", "de Smet Jan", "Élise Çelik", "Emma Claes",
                                          "Mia Peeters", "Ömer Aydın")]
    assert refs(html) == order, [dict(zip(shown, names)).get(r) for r in refs(html)]

"""Searching the register for a closed case: by its reference it is found, by name the closed ones are pointed to."""
from datetime import timedelta

import pytest
from flask_babel import force_locale, gettext, ngettext

from caseflow import clock
from caseflow.services import cases as svc
from caseflow.services.register import as_reference
from tests.fixtures.cases import open_case

TODAY = clock.today()


def closed_found(n: int) -> str:
    """The note in Dutch, as the catalog words it."""
    with force_locale("nl"):
        return ngettext("%(num)d closed case found", "%(num)d closed cases found", n)


@pytest.mark.parametrize("typed, reference", [
    ("DSR-2026-0041", "DSR-2026-0041"), ("dsr-2026-0041", "DSR-2026-0041"), (" Dsr 2026 41 ", "DSR-2026-0041"),
    ("2026-0041", "DSR-2026-0041"), ("DSR-2026-12345", "DSR-2026-12345"),
    ("DSR-2026-41", "DSR-2026-0041"), ("DSR-2026-004", None), ("DSR-2026-0", None),
    ("jan claes", None), ("DSR-2026", None), ("2026", None), ("K-1042", None), ("", None),
])
def test_what_counts_as_a_reference(typed, reference):
    assert as_reference(typed) == reference


@pytest.fixture
def cases(logged_in):
    """DSR-…-0001 open (Jan Claes), DSR-…-0002 closed (Jan Claes), DSR-…-0003 closed (Mia Peeters)."""
    day = TODAY - timedelta(days=3)
    current = open_case(logged_in, received_on=day, today=TODAY, requester_name="Jan Claes")
    older = open_case(logged_in, received_on=day, today=TODAY, requester_name="Jan Claes",
                      requester_email="jan@oud.example.be")
    closed = open_case(logged_in, received_on=day, today=TODAY, requester_name="Mia Peeters",
                       requester_email="mia@example.be")
    for case in (older, closed):
        svc.close(case, actor=logged_in, status="withdrawn", note="Ingetrokken per telefoon", today=TODAY)
    return current, older, closed


def test_a_closed_case_is_found_by_its_reference_whatever_the_status_filter(client, cases):
    _, _, closed = cases
    for typed in (closed.reference, closed.reference.lower(), closed.reference.removeprefix("DSR-")):
        html = client.get("/cases", query_string={"q": typed}).get_data(as_text=True)
        assert "Mia Peeters" in html and "Jan Claes" not in html, typed
        assert 'id="closed-matches"' not in html  # it is in the list, no need to point to it
    html = client.get("/cases", query_string={"q": closed.reference, "status": "in_progress"}).get_data(as_text=True)
    assert "Mia Peeters" in html


def test_part_of_a_reference_still_searches_open_cases_only(client, cases):
    current, _, closed = cases
    html = client.get("/cases", query_string={"q": closed.reference[:-1]}).get_data(as_text=True)  # DSR-YYYY-000
    assert "Jan Claes" in html and "Mia Peeters" not in html
    assert closed_found(2) in html


def test_a_name_with_only_closed_cases_points_to_them(client, cases):
    html = client.get("/cases", query_string={"q": "mia peeters"}).get_data(as_text=True)
    assert "Mia Peeters" not in html.split('id="closed-matches"')[0]
    with force_locale("nl"):
        assert gettext("No open cases match.") in html and closed_found(1) in html
    link = html.split('id="closed-matches"><a href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    listed = client.get(link).get_data(as_text=True)
    assert "status=closed" in link and "Mia Peeters" in listed and 'id="closed-matches"' not in listed


def test_open_hits_are_listed_and_the_closed_ones_counted(client, cases):
    html = client.get("/cases", query_string={"q": "jan claes"}).get_data(as_text=True)
    assert html.count("Jan Claes") == 1 and "jan@oud.example.be" not in html  # the open case only
    assert closed_found(1) in html


def test_no_note_without_a_search_or_outside_the_open_view(client, cases):
    assert 'id="closed-matches"' not in client.get("/cases").get_data(as_text=True)
    assert 'id="closed-matches"' not in client.get("/cases?q=mia&status=all").get_data(as_text=True)
    html = client.get("/cases?q=niemand").get_data(as_text=True)
    assert "Geen dossiers gevonden." in html and 'id="closed-matches"' not in html


def test_other_filters_still_apply_to_the_closed_count(client, cases):
    assert 'id="closed-matches"' not in client.get("/cases?q=mia&right=erasure").get_data(as_text=True)

"""The manager's dashboard: its figures against a small register worked out by hand, and the page itself."""
from datetime import date, datetime, timezone

import pytest

from caseflow import clock
from caseflow.dashboard import queries, stats
from caseflow.extensions import db
from caseflow.legal.deadlines import legal_deadline
from caseflow.models import AuditEvent, Case, CaseRight

TODAY = date(2026, 11, 25)
AT = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


def test_quantiles_and_share_by_hand():
    answers = [(10, True, 1), (20, True, 2), (40, False, 1)]  # days 10, 20, 20, 40
    assert stats.on_time_percentage(answers) == 75
    assert stats.quantile(answers, 0.5) == 20  # the middle two are 20 and 20
    assert stats.quantile(answers, 0.9) == pytest.approx(34)  # 20 + 0.7 * (40 - 20), position 2.7 of 0..3
    assert stats.quantile([(3, True, 1), (6, True, 1)], 0.5) == 4.5
    assert stats.on_time_percentage([]) is None and stats.quantile([], 0.5) is None


def test_the_twelve_months_are_calendar_months_up_to_this_one():
    months = stats.months_back(date(2026, 2, 14))
    assert months[0] == date(2025, 3, 1) and months[-1] == date(2026, 2, 1) and len(months) == 12


_numbers = iter(range(1, 10_000))


def add_case(received, *, status="resolved", answered=None, deadline=None, channel="email", rights=("access",),
             outcome="granted", extended_on=None, assignee=None, identity_requested_on=None):
    """A case as the services leave it: the stored deadline is the one in force (an extension counts once told)."""
    number = next(_numbers)
    case = Case(reference=f"DSR-{received.year}-{number:04d}", year=received.year, number=number, channel=channel,
                received_on=received, requester_name=f"Verzoeker {number}", status=status,
                deadline=deadline or legal_deadline(received), answer_sent_on=answered, extended_on=extended_on,
                identity_requested_on=identity_requested_on, assignee=assignee,
                closed_at=AT if status not in ("new", "awaiting_identity", "in_progress") else None,
                rights=[CaseRight(right=r, outcome=outcome if answered else None) for r in rights])
    db.session.add(case)
    db.session.flush()
    db.session.add(AuditEvent(case=case, action="case_opened", created_at=clock.now()))
    db.session.commit()
    return case


@pytest.fixture
def register(app):
    """Five answers in the window, worked out by hand:

    A received 2 Mar, deadline 2 Apr, answered 12 Mar: 10 days, on time
    B received 1 Jun, deadline 1 Jul, answered on 1 Jul, its deadline day: 30 days, on time
    C received 1 Sep, extended and told (deadline in force 1 Dec), answered 1 Nov: 61 days, on time
    D received 2 Mar, extension not told (deadline 2 Apr stands), answered 9 Apr: 38 days, late
    E received 3 Aug, deadline 3 Sep, answered 23 Sep: 51 days, late
    and one answered before the window (F), which does not count.
    """
    add_case(date(2026, 3, 2), answered=date(2026, 3, 12), rights=("access", "erasure"))
    add_case(date(2026, 6, 1), answered=date(2026, 7, 1), channel="registered_letter")
    add_case(date(2026, 9, 1), answered=date(2026, 11, 1), extended_on=date(2026, 9, 10),
             deadline=legal_deadline(date(2026, 9, 1), extended=True), outcome="partially_granted")
    add_case(date(2026, 3, 2), answered=date(2026, 4, 9), extended_on=date(2026, 3, 20), outcome="refused")
    add_case(date(2026, 8, 3), answered=date(2026, 9, 23), rights=("erasure",), outcome="refused")
    add_case(date(2025, 9, 1), answered=date(2025, 10, 1))


def test_figures_of_the_hand_computed_register(register):
    assert legal_deadline(date(2026, 6, 1)) == date(2026, 7, 1)  # B's deadline is the day it was answered
    assert legal_deadline(date(2026, 9, 1), extended=True) == date(2026, 12, 1)
    view = stats.overview(TODAY, *queries.window(stats.months_back(TODAY)[0], TODAY))
    assert view.answered == 5
    assert view.on_time_pct == 60  # A, B and C of five
    assert view.median_days == 38  # 10, 30, 38, 51, 61
    assert view.p90_days == pytest.approx(57)  # 51 + 0.6 * (61 - 51)
    assert view.per_month[date(2026, 3, 1)] == {"access": 2, "erasure": 1}
    assert view.per_month[date(2026, 6, 1)] == {"access": 1}
    assert view.per_month[date(2026, 8, 1)] == {"erasure": 1}
    # requests, not rights: A (access and erasure) and D were received in March
    assert view.requests_per_month[date(2026, 3, 1)] == 2 and view.requests_per_month[date(2026, 9, 1)] == 1
    assert sum(view.requests_per_month.values()) == view.requests == 5
    assert date(2025, 9, 1) not in view.per_month and view.months[0] == date(2025, 12, 1)
    assert view.by_channel == {"email": 4, "registered_letter": 1}
    assert view.outcomes == {"granted": 3, "partially_granted": 1, "refused": 2}


def test_counters_and_next_deadlines(app, staff):
    add_case(date(2026, 10, 1), status="in_progress", assignee=staff)  # deadline 2 Nov: overdue
    add_case(date(2026, 10, 28), status="in_progress")  # deadline 30 Nov (28 Nov is a Saturday): within 7 days
    add_case(date(2026, 11, 20), status="new")  # deadline 21 Dec
    add_case(date(2026, 10, 2), status="awaiting_identity", identity_requested_on=date(2026, 10, 5))
    add_case(date(2026, 1, 5), answered=date(2026, 1, 20))  # closed
    assert queries.counters(TODAY, 7) == {"open": 4, "overdue": 1, "due_soon": 1, "waiting": 1}
    rows = queries.next_deadlines()
    assert [r.deadline for r in rows] == [date(2026, 11, 2), date(2026, 11, 30), date(2026, 12, 21)]
    assert rows[0].assignee == "An Peeters"


def test_the_dashboard_is_the_home_page(client, logged_in, register, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    html = client.get("/").get_data(as_text=True)
    assert 'id="on-time">60%' in html
    assert 'id="median-days">38 dagen' in html and 'id="p90-days">57 dagen' in html
    assert 'id="count-open"' in html and 'href="/cases"' in html  # the register one click away
    assert "<script" not in html and 'style="' not in html
    assert html.count("<svg") == 3 and "Verzoeken per maand, per recht" in html  # charts, labelled in Dutch
    assert 'id="count-untriaged" href="/intake"><strong>0</strong>' in html  # the triage inbox, one click away
    # March: two requests (A with two rights, D), three rights; the bar says 2, as the table does
    import re
    assert re.search(r'>(\d+)</text><text [^>]*>mrt 26</text>', html)[1] == "2"
    assert re.search(r'<td>maart 2026</td><td class="requests">(\d+)</td>', html)[1] == "2"
    assert "telt bij elk van die rechten" in html


def test_the_figures_follow_a_change(client, logged_in, register, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    assert 'id="on-time">60%' in client.get("/").get_data(as_text=True)
    add_case(date(2026, 10, 1), answered=date(2026, 10, 5))  # a sixth answer, on time
    html = client.get("/").get_data(as_text=True)
    assert 'id="on-time">67%' in html  # 4 of 6


def test_login_leads_to_the_dashboard(client, auth, staff):
    response = auth.login()
    assert response.headers["Location"] == "/"


def test_each_counter_leads_to_a_list_of_just_those_cases(client, logged_in, monkeypatch):
    """Following a counter's link lists as many cases as it says: a case waiting for the requester, whose stored
    deadline has passed, is in neither the overdue counter nor its list (its clock stands still)."""
    import html as html_lib
    import re

    from tests.test_register_list import refs

    monkeypatch.setattr(clock, "today", lambda: TODAY)
    add_case(date(2026, 10, 1), status="in_progress", assignee=logged_in)  # deadline 2 Nov: overdue
    add_case(date(2026, 10, 5), status="new")  # deadline 5 Nov: overdue
    add_case(date(2026, 10, 28), status="in_progress")  # deadline 30 Nov: within 7 days
    add_case(date(2026, 11, 20), status="new")  # deadline 21 Dec
    add_case(date(2026, 10, 2), status="awaiting_identity", identity_requested_on=date(2026, 10, 5))  # stored 2 Nov
    add_case(date(2026, 10, 29), status="awaiting_identity", identity_requested_on=date(2026, 11, 2))  # stored 1 Dec
    add_case(date(2026, 1, 5), answered=date(2026, 1, 20))  # closed
    page = client.get("/").get_data(as_text=True)
    shown = {}
    for key in ("count-open", "count-overdue", "count-due-soon", "count-waiting"):
        href, number = re.search(rf'id="{key}" href="([^"]+)"><strong>(\d+)</strong>', page).groups()
        listed = refs(client.get(html_lib.unescape(href)).get_data(as_text=True))
        shown[key] = (int(number), len(listed))
    assert shown == {"count-open": (6, 6), "count-overdue": (2, 2), "count-due-soon": (1, 1), "count-waiting": (2, 2)}

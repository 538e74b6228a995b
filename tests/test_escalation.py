"""The escalation ladder (docs/architecture.md §3) as a table: (case state, today) -> level. Pure: no app, no database."""
from datetime import date

import pytest

from caseflow.legal.escalation import DECIDE_EXTENSION, DUE_SOON, IDENTITY_WAIT, OVERDUE, CaseFacts, level, rank

D = date.fromisoformat

# Received Thu 2026-03-05: deadline Tue 2026-04-07 (Easter Monday 6 April), extended Fri 2026-06-05.
MARCH_5 = CaseFacts(received_on=D("2026-03-05"))
MARCH_5_EXTENDED = CaseFacts(received_on=D("2026-03-05"), extended=True)

TABLE = [
    # (facts, today, expected level, why)
    (MARCH_5, "2026-03-20", None, "18 days left"),
    (MARCH_5, "2026-03-30", None, "8 days left: outside the 7-day window"),
    (MARCH_5, "2026-03-31", DECIDE_EXTENSION, "7 days left, not extended: decide before the original deadline"),
    (MARCH_5, "2026-04-06", DECIDE_EXTENSION, "Easter Monday, 1 day left"),
    (MARCH_5, "2026-04-07", DECIDE_EXTENSION, "due today: extending is still possible today"),
    (MARCH_5, "2026-04-08", OVERDUE, "one day past the deadline"),
    (MARCH_5_EXTENDED, "2026-04-08", None, "extended: 58 days left"),
    (MARCH_5_EXTENDED, "2026-05-28", None, "extended: 8 days left"),
    (MARCH_5_EXTENDED, "2026-05-29", DUE_SOON, "extended: 7 days left"),
    (MARCH_5_EXTENDED, "2026-06-05", DUE_SOON, "extended: due today"),
    (MARCH_5_EXTENDED, "2026-06-06", OVERDUE, "extended deadline passed"),
    (CaseFacts(received_on=D("2026-03-05"), is_open=False), "2026-04-08", None, "closed cases are never escalated"),
    (CaseFacts(received_on=D("2026-03-05"), is_open=False), "2026-03-31", None, "closed, inside the window"),
    # Identity asked on 03-06 and still awaited: the clock stands still, so no deadline pressure, only the wait.
    (CaseFacts(D("2026-03-05"), identity_requested_on=D("2026-03-06")), "2026-04-04", None, "waited 29 days"),
    (CaseFacts(D("2026-03-05"), identity_requested_on=D("2026-03-06")), "2026-04-05", IDENTITY_WAIT, "waited 30 days"),
    (CaseFacts(D("2026-03-05"), identity_requested_on=D("2026-03-06")), "2026-06-30", IDENTITY_WAIT, "waited long"),
    (CaseFacts(D("2026-03-05"), identity_requested_on=D("2026-04-01")), "2026-04-05", None,
     "asked with 6 days left: the deadline moves along, not 'due soon'"),
    (CaseFacts(D("2026-03-05"), identity_requested_on=D("2026-04-09")), "2026-04-09", OVERDUE,
     "identity asked only after the deadline had passed: still overdue"),
    # Received Mon 2026-03-02, 7 days suspended earlier (docs/architecture.md §2): deadline Thu 2026-04-09 instead of 04-02.
    (CaseFacts(D("2026-03-02"), suspended_days=7), "2026-04-03", DECIDE_EXTENSION, "suspension moved the deadline"),
    (CaseFacts(D("2026-03-02"), suspended_days=7), "2026-04-09", DECIDE_EXTENSION, "due today after suspension"),
    (CaseFacts(D("2026-03-02"), suspended_days=7), "2026-04-10", OVERDUE, "past the moved deadline"),
    (CaseFacts(D("2026-03-02")), "2026-04-03", OVERDUE, "without the suspension it would be overdue"),
]


@pytest.mark.parametrize("facts,today,expected,why", TABLE, ids=[row[3] for row in TABLE])
def test_ladder(facts, today, expected, why):
    assert level(facts, D(today)) == expected


def test_window_and_wait_are_settings():
    assert level(MARCH_5, D("2026-03-31"), warning_days=3) is None
    assert level(MARCH_5, D("2026-04-04"), warning_days=3) == DECIDE_EXTENSION
    waiting = CaseFacts(D("2026-03-05"), identity_requested_on=D("2026-03-06"))
    assert level(waiting, D("2026-03-16"), identity_wait_days=10) == IDENTITY_WAIT
    assert level(waiting, D("2026-03-15"), identity_wait_days=10) is None


def test_rank_orders_the_rungs():
    assert rank(None) < rank(DUE_SOON) < rank(DECIDE_EXTENSION) < rank(IDENTITY_WAIT) < rank(OVERDUE)


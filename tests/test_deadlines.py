"""The deadline engine against docs/architecture.md §2's worked examples and the edges of the calendar."""
from datetime import date

import pytest

from caseflow.legal.deadlines import add_months, days_left, is_working_day, legal_deadline, roll

D = date.fromisoformat

WORKED_EXAMPLES = [
    # received, deadline, extended deadline
    ("2026-03-05", "2026-04-07", "2026-06-05"),  # 5 Apr Easter Sunday, 6 Apr Easter Monday
    ("2026-01-31", "2026-03-02", "2026-04-30"),  # 28 Feb is a Saturday
    ("2026-03-31", "2026-04-30", "2026-06-30"),
    ("2026-04-01", "2026-05-04", "2026-07-01"),  # 1 May
    ("2026-06-21", "2026-07-22", "2026-09-21"),  # 21 Jul
    ("2026-10-01", "2026-11-02", "2027-01-04"),  # 1 Nov Sunday; 2 Nov is a working day
    ("2026-11-30", "2026-12-30", "2027-03-01"),
    ("2028-01-31", "2028-02-29", "2028-05-02"),
]


@pytest.mark.parametrize("received, deadline, extended", WORKED_EXAMPLES)
def test_worked_examples(received, deadline, extended):
    assert legal_deadline(D(received)) == D(deadline)
    assert legal_deadline(D(received), extended=True) == D(extended)


def test_identity_suspension_worked_example():
    # received Mon 2 March, identity asked 3 March, answer 10 March: 7 days suspended
    assert legal_deadline(D("2026-03-02"), suspended_days=7) == D("2026-04-09")


def test_counting_starts_on_the_day_of_receipt_not_the_day_after():
    assert legal_deadline(D("2027-03-05")) == D("2027-04-05")  # a Monday, no holiday


@pytest.mark.parametrize(
    "received, expected",
    [
        ("2026-01-29", "2026-03-02"),  # 29 Feb does not exist in 2026 -> 28 Feb (Sat) -> Mon 2 Mar
        ("2028-01-29", "2028-02-29"),  # leap year keeps 29 Feb (Tue)
        ("2028-01-30", "2028-02-29"),
        ("2026-05-31", "2026-06-30"),
        ("2026-08-31", "2026-09-30"),
        ("2026-12-31", "2027-02-01"),  # 31 Jan 2027 is a Sunday
    ],
)
def test_month_ends_and_leap_years(received, expected):
    assert legal_deadline(D(received)) == D(expected)


def test_add_months_clamps_to_last_day_of_shorter_month():
    assert add_months(D("2026-01-31"), 1) == D("2026-02-28")
    assert add_months(D("2024-01-31"), 1) == D("2024-02-29")
    assert add_months(D("2026-03-31"), 1) == D("2026-04-30")
    assert add_months(D("2026-11-30"), 3) == D("2027-02-28")


# Every statutory Belgian public holiday in 2027 falls on a weekday: each must roll.
BELGIAN_HOLIDAYS_2027 = [
    ("2027-01-01", "2027-01-04"),  # New Year (Fri) -> Mon
    ("2027-03-29", "2027-03-30"),  # Easter Monday
    ("2027-05-06", "2027-05-07"),  # Ascension (Thu)
    ("2027-05-17", "2027-05-18"),  # Whit Monday
    ("2027-07-21", "2027-07-22"),  # National Day (Wed)
    ("2027-11-01", "2027-11-02"),  # All Saints (Mon)
    ("2027-11-11", "2027-11-12"),  # Armistice (Thu)
]


@pytest.mark.parametrize("holiday, next_working_day", BELGIAN_HOLIDAYS_2027)
def test_every_weekday_holiday_rolls_forward(holiday, next_working_day):
    assert not is_working_day(D(holiday))
    assert roll(D(holiday)) == D(next_working_day)


@pytest.mark.parametrize(
    "holiday, next_working_day",
    [
        ("2026-05-01", "2026-05-04"),  # Labour Day (Fri)
        ("2029-08-15", "2029-08-16"),  # Assumption (Wed)
        ("2026-12-25", "2026-12-28"),  # Christmas (Fri)
    ],
)
def test_remaining_holidays_roll_forward(holiday, next_working_day):
    assert roll(D(holiday)) == D(next_working_day)


@pytest.mark.parametrize(
    "working_day",
    [
        "2026-04-03",  # Good Friday: a bank holiday only
        "2025-12-26",  # 26 December: bank holiday only
        "2026-11-02",  # All Souls: working day
        "2027-11-02",
    ],
)
def test_bank_holidays_are_working_days(working_day):
    assert is_working_day(D(working_day))


def test_chain_of_weekend_and_holiday():
    # Received Fri 2026-11-20 -> 20 Dec is a Sunday -> Mon 21 Dec.
    assert legal_deadline(D("2026-11-20")) == D("2026-12-21")
    # Received Fri 2026-04-24 -> Sun 24 May (Pentecost) -> Mon 25 May Whit Monday -> Tue 26 May.
    assert legal_deadline(D("2026-04-24")) == D("2026-05-26")
    # Received 2026-11-25 (today): 25 Dec Christmas (Fri) -> Sat, Sun -> Mon 28 Dec.
    assert legal_deadline(D("2026-11-25")) == D("2026-12-28")


def test_several_suspensions_add_up():
    one = legal_deadline(D("2026-03-02"), suspended_days=3)
    both = legal_deadline(D("2026-03-02"), suspended_days=3 + 4)
    assert one == D("2026-04-07")  # 2 Apr + 3 = Sun 5 Apr (Easter) -> Easter Monday -> Tue 7 Apr
    assert both == D("2026-04-09")


def test_suspension_applies_to_extended_deadline():
    assert legal_deadline(D("2026-03-05"), extended=True, suspended_days=10) == D("2026-06-15")


def test_negative_suspension_rejected():
    with pytest.raises(ValueError):
        legal_deadline(D("2026-03-05"), suspended_days=-1)


def test_days_left():
    assert days_left(D("2026-12-28"), D("2026-11-25")) == 33
    assert days_left(D("2026-11-25"), D("2026-11-25")) == 0
    assert days_left(D("2026-11-20"), D("2026-11-25")) == -5

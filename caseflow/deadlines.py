"""The legal calendar of GDPR Art. 12(3): pure functions over dates, no Flask.

Computed as Regulation 1182/71 and EDPB Guidelines 01/2022 §§158-161 describe
(see DESIGN §2): the period ends on the same day-number one (or three) months
after receipt, moved past suspended days, then rolled forward past Saturdays,
Sundays and Belgian public holidays.
"""
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

BASE_MONTHS = 1
EXTENDED_MONTHS = 3  # one month plus the single two-month extension


@lru_cache(maxsize=64)
def _belgian_holidays(year: int) -> frozenset:
    """The statutory Belgian public holidays (default category, never bank holidays)."""
    return frozenset(holidays.country_holidays("BE", years=year))


def is_working_day(d: date) -> bool:
    """False on Saturdays, Sundays and Belgian public holidays."""
    return d.weekday() < 5 and d not in _belgian_holidays(d.year)


def add_months(d: date, months: int) -> date:
    """Same day-number `months` later; the last day of that month if it is shorter."""
    return d + relativedelta(months=months)


def roll(d: date) -> date:
    """The first working day on or after d."""
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


@lru_cache(maxsize=65536)  # pure: the register and the daily jobs ask it for the same few dates all day
def legal_deadline(received_on: date, *, extended: bool = False, suspended_days: int = 0) -> date:
    """The last day to answer a request received on `received_on`."""
    if suspended_days < 0:
        raise ValueError("suspended_days cannot be negative")
    months = EXTENDED_MONTHS if extended else BASE_MONTHS
    return roll(add_months(received_on, months) + timedelta(days=suspended_days))


def days_left(deadline: date, today: date) -> int:
    """Calendar days until the deadline: 0 on the day itself, negative once overdue."""
    return (deadline - today).days

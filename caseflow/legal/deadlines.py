"""The legal calendar of GDPR Art. 12(3): pure functions over dates, no Flask.

Computed as Regulation 1182/71 and EDPB Guidelines 01/2022 §§158-161 describe
(see docs/architecture.md §2): the period ends on the same day-number one (or three) months
after receipt, moved past suspended days, then rolled forward past Saturdays,
Sundays and Belgian public holidays. `explain` returns every step of that
computation; `legal_deadline` is its result, so there is one copy of the rules.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

BASE_MONTHS = 1
EXTENDED_MONTHS = 3  # one month plus the single two-month extension
REGISTERED_MAIL_WORKING_DAYS = 3  # Gerechtelijk Wetboek art. 53bis: received on the third working day after posting
HOLIDAY_LANGUAGES = {"nl": "nl", "en": "en_US"}


@lru_cache(maxsize=128)
def _belgian_holidays(year: int, language: str = "nl") -> dict:
    """The statutory Belgian public holidays (default category, never bank holidays), date -> name."""
    return dict(holidays.country_holidays("BE", years=year, language=HOLIDAY_LANGUAGES.get(language, "nl")))


def holiday_name(d: date, locale: str = "nl") -> str | None:
    """The name of the Belgian public holiday on `d` in Dutch or English, or None on any other day."""
    return _belgian_holidays(d.year, locale).get(d)


def is_working_day(d: date) -> bool:
    """False on Saturdays, Sundays and Belgian public holidays."""
    return d.weekday() < 5 and d not in _belgian_holidays(d.year)


def add_months(d: date, months: int) -> date:
    """Same day-number `months` later; the last day of that month if it is shorter."""
    return d + relativedelta(months=months)


def roll(d: date) -> date:
    """The first working day on or after d."""
    return _roll_steps(d)[-1]


def _roll_steps(d: date) -> tuple:
    """d, then every following day up to and including the first working day on or after d."""
    days = [d]
    while not is_working_day(days[-1]):
        days.append(days[-1] + timedelta(days=1))
    return tuple(days)


@dataclass(frozen=True)
class Explanation:
    """The steps of a deadline computation: received, + months, + suspended days, rolled past days off."""

    received_on: date
    months: int  # 1, or 3 when the extension is in force
    after_months: date  # add_months(received_on, months): the month-end clamp applied
    clamped: bool  # the day-number did not exist in that month: its last day instead
    suspended_days: int
    suspensions: tuple  # (asked on, answered on or None while running) per suspension, for display
    after_suspension: date  # after_months + suspended_days
    skipped: tuple  # the Saturdays, Sundays and public holidays rolled past, in order
    result: date  # the deadline

    @property
    def extended(self) -> bool:
        return self.months == EXTENDED_MONTHS


def explain(received_on: date, *, extended: bool = False, suspended_days: int = 0,
            suspensions: tuple = ()) -> Explanation:
    """How the deadline for a request received on `received_on` is computed, step by step.

    `suspensions` only labels the suspended days (which request, which answer); `suspended_days` counts.
    """
    if suspended_days < 0:
        raise ValueError("suspended_days cannot be negative")
    months = EXTENDED_MONTHS if extended else BASE_MONTHS
    after_months = add_months(received_on, months)
    after_suspension = after_months + timedelta(days=suspended_days)
    days = _roll_steps(after_suspension)
    return Explanation(
        received_on=received_on, months=months, after_months=after_months,
        clamped=after_months.day != received_on.day, suspended_days=suspended_days,
        suspensions=tuple(suspensions), after_suspension=after_suspension, skipped=days[:-1], result=days[-1],
    )


@lru_cache(maxsize=65536)  # pure: the register and the daily jobs ask it for the same few dates all day
def legal_deadline(received_on: date, *, extended: bool = False, suspended_days: int = 0) -> date:
    """The last day to answer a request received on `received_on`."""
    return explain(received_on, extended=extended, suspended_days=suspended_days).result


def days_left(deadline: date, today: date) -> int:
    """Calendar days until the deadline: 0 on the day itself, negative once overdue."""
    return (deadline - today).days


def registered_mail_received(posted_on: date) -> date:
    """When a registered letter counts as received: the third working day after posting (Ger.W. art. 53bis)."""
    d, counted = posted_on, 0
    while counted < REGISTERED_MAIL_WORKING_DAYS:
        d += timedelta(days=1)
        counted += is_working_day(d)
    return d


def registered_letter_received(posted_on: date, delivered_on: date | None = None) -> date:
    """The presumption of art. 53bis, unless the Bpost receipt shows an earlier delivery."""
    presumed = registered_mail_received(posted_on)
    return min(presumed, delivered_on) if delivered_on else presumed


def latest_posting_day(deadline: date) -> date:
    """The last working day a registered letter can be posted and still count as received by `deadline` (posting
    on the weekend after it counts the same, but post offices are closed on Sundays and holidays)."""
    d = deadline
    while registered_mail_received(d) > deadline or not is_working_day(d):
        d -= timedelta(days=1)
    return d

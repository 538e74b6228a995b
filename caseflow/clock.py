"""The one place that reads the wall clock; everything else takes `today`/`now` as an argument."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def now() -> datetime:
    return datetime.now(BRUSSELS)


def today() -> date:
    return now().date()

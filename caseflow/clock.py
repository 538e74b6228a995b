"""The one place that reads the wall clock; everything else takes `today`/`now` as an argument."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def now() -> datetime:
    return datetime.now(BRUSSELS)


def today() -> date:
    return now().date()


def as_utc(dt: datetime | None) -> datetime | None:
    """Aware UTC; SQLite hands back naive UTC datetimes."""
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)

"""The dashboard's figures as pure functions over grouped query results: no database, no Flask.

`answers` rows are (days_to_answer, on_time, count); a case answered on its deadline day is on time, and the
deadline is the one in force (an extension counts once the requester was told, docs/architecture.md §2).
"""
import math
from dataclasses import dataclass, field
from datetime import date


def months_back(today: date, count: int = 12) -> list[date]:
    """The first days of the last `count` calendar months, the current one last."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def on_time_percentage(answers) -> float | None:
    """Share of answered cases answered on or before their deadline, in percent; None when nothing was answered."""
    total = sum(count for _, _, count in answers)
    if not total:
        return None
    return 100 * sum(count for _, on_time, count in answers if on_time) / total


def quantile(answers, q: float) -> float | None:
    """The q-quantile of the days to answer (linear between the closest ranks: the median of 2, 4 is 3)."""
    counts = {}
    for days, _, count in answers:
        counts[days] = counts.get(days, 0) + count
    n = sum(counts.values())
    if not n:
        return None
    position = q * (n - 1)
    below, above = math.floor(position), math.ceil(position)

    def at(rank):
        seen = 0
        for days in sorted(counts):
            seen += counts[days]
            if rank < seen:
                return days
        raise AssertionError("rank out of range")

    low, high = at(below), at(above)
    return low + (high - low) * (position - below)


@dataclass
class Overview:
    """Everything the dashboard shows over the last twelve months."""

    months: list[date]
    answered: int = 0
    on_time_pct: float | None = None
    median_days: float | None = None
    p90_days: float | None = None
    per_month: dict = field(default_factory=dict)  # month -> {right: count} (a request may invoke several rights)
    requests_per_month: dict = field(default_factory=dict)  # month -> requests received
    by_channel: dict = field(default_factory=dict)  # channel -> count
    outcomes: dict = field(default_factory=dict)  # outcome -> count (per right decided)
    requests: int = 0


def overview(today: date, answers, rights_rows, channel_rows) -> Overview:
    """answers: (days, on_time, count); rights_rows: (month 'YYYY-MM', right, outcome, count) of the cases received in
    the window; channel_rows: (month 'YYYY-MM', channel, count)."""
    months = months_back(today)
    view = Overview(months=months)
    view.answered = sum(count for _, _, count in answers)
    view.on_time_pct = on_time_percentage(answers)
    view.median_days = quantile(answers, 0.5)
    view.p90_days = quantile(answers, 0.9)
    keys = {m.strftime("%Y-%m"): m for m in months}
    view.per_month = {m: {} for m in months}
    for month, right, outcome, count in rights_rows:
        if month in keys:
            bucket = view.per_month[keys[month]]
            bucket[right] = bucket.get(right, 0) + count
        if outcome:
            view.outcomes[outcome] = view.outcomes.get(outcome, 0) + count
    view.requests_per_month = {m: 0 for m in months}
    for month, channel, count in channel_rows:
        view.by_channel[channel] = view.by_channel.get(channel, 0) + count
        if month in keys:
            view.requests_per_month[keys[month]] += count
    view.requests = sum(view.by_channel.values())
    return view

"""The home page after login: the manager's overview. The register itself is one click away, at /cases."""
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _
from flask_login import login_required

from caseflow import clock
from caseflow.dashboard import charts, queries, stats
from caseflow.dashboard.blueprint import bp
from caseflow.legal.rights import CHANNELS, OUTCOMES, RIGHTS


@bp.route("/")
@login_required
def index():
    today = clock.today()
    view = stats.overview(today, *queries.window(stats.months_back(today)[0], today))
    counters = queries.counters(today, current_app.config["WARNING_DAYS"])
    counters["untriaged"] = queries.untriaged_mail()
    series = [(key, str(label)) for key, (label, _article) in RIGHTS.items()]
    per_month = charts.stacked_bars(
        "chart-rights", _("Requests per month, by right"),
        [(format_date(month, "MMM yy"), view.per_month[month]) for month in view.months], series,
        totals=[view.requests_per_month[month] for month in view.months])
    by_channel = charts.horizontal_bars(
        "chart-channels", _("Requests by channel"),
        [(str(label), view.by_channel.get(key, 0)) for key, label in CHANNELS.items()])
    outcomes = charts.horizontal_bars(
        "chart-outcomes", _("Outcomes per right decided"),
        [(str(label), view.outcomes.get(key, 0)) for key, label in OUTCOMES.items()])
    return render_template("dashboard/index.html", view=view, counters=counters,
                           deadlines=queries.next_deadlines(), per_month=per_month, by_channel=by_channel,
                           outcomes=outcomes, since=view.months[0], series=series, days_text=days_text,
                           month_label=lambda m: format_date(m, "MMMM y"), timedelta=timedelta)


def days_text(value: float | None) -> str:
    """'12 dagen', '12,5 dagen', '1 dag'; a dash when there is nothing to measure."""
    if value is None:
        return "—"
    rounded = round(value, 1)
    shown = format_decimal(rounded, format="#,##0.#")
    return ngettext("%(days)s day", "%(days)s days", 1 if rounded == 1 else 2, days=shown)

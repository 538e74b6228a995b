"""The register for the authority (GDPR Art. 5(2) and 24): the cases a register view shows, as CSV or JSON.

Streamed: rows are read in batches (a server-side cursor on PostgreSQL) and written in chunks, so memory stays
flat from 100 to 100,000 cases. CSV is for Excel in Belgium: semicolons, UTF-8 with a BOM, and no cell that a
spreadsheet would run as a formula.
"""
import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from flask_babel import gettext as _
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.legal.rights import CHANNELS, OUTCOMES, RIGHTS
from caseflow.models import Case, CaseRight
from caseflow.services.register import Filters, matching

BATCH = 1000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    """One case in the exported register."""

    reference: str
    received_on: date
    channel: str
    rights: list
    deadline: date
    extended: bool
    answered_on: date | None
    on_time: bool | None  # None while there is no answer
    outcomes: list  # per right, in the order of `rights` (None: not decided)
    reason_codes: list  # per right
    requester: dict | None = None  # only when asked


def _columns(with_requester: bool):
    cols = [Case.id, Case.reference, Case.received_on, Case.channel, Case.deadline, Case.extended_on,
            Case.answer_sent_on, CaseRight.right, CaseRight.outcome, CaseRight.refusal_code]
    if with_requester:
        cols += [Case.requester_name, Case.requester_email, Case.requester_address, Case.customer_number]
    return cols


def rows(filters: Filters, *, with_requester: bool = False, today: date | None = None):
    """The matching cases, oldest reference first, one Row each; read `BATCH` database rows at a time.

    The stored deadline is the one in force: an extension counts once the requester was told (Art. 12(3)),
    so an answer is on time when it went out on or before that day."""
    query = (select(*_columns(with_requester)).where(matching(filters).whereclause)
             .outerjoin(CaseRight, CaseRight.case_id == Case.id).order_by(Case.id, CaseRight.id)
             .execution_options(yield_per=BATCH))
    result = db.session.execute(query)
    for _, group in groupby(result, key=lambda r: r.id):
        group = list(group)
        first = group[0]
        answered = first.answer_sent_on
        requester = None
        if with_requester:
            requester = {"name": first.requester_name, "email": first.requester_email,
                         "address": first.requester_address, "customer_number": first.customer_number}
        yield Row(reference=first.reference, received_on=first.received_on, channel=first.channel,
                  rights=[r.right for r in group if r.right], deadline=first.deadline,
                  extended=first.extended_on is not None, answered_on=answered,
                  on_time=None if answered is None else answered <= first.deadline,
                  outcomes=[r.outcome for r in group if r.right],
                  reason_codes=[r.refusal_code for r in group if r.right], requester=requester)


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) is shown as text instead."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _header(with_requester: bool) -> list[str]:
    names = [_("Reference"), _("Received on"), _("Received by"), _("Rights"), _("Deadline"), _("Extended"),
             _("Answered on"), _("On time"), _("Outcomes"), _("Reason codes")]
    if with_requester:
        names += [_("Name"), _("Email address"), _("Postal address"), _("Customer number")]
    return names


def csv_lines(rows_, with_requester: bool):
    """The CSV text in chunks: BOM and header first, then a chunk every few hundred cases."""
    labels = {"right": {k: str(v[0]) for k, v in RIGHTS.items()}, "channel": {k: str(v) for k, v in CHANNELS.items()},
              "outcome": {k: str(v) for k, v in OUTCOMES.items()}}
    yes, no = _("yes"), _("no")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(_header(with_requester))
    for i, row in enumerate(rows_, 1):
        cells = [row.reference, row.received_on.isoformat(), labels["channel"].get(row.channel, row.channel),
                 ", ".join(labels["right"].get(r, r) for r in row.rights), row.deadline.isoformat(),
                 yes if row.extended else no, row.answered_on.isoformat() if row.answered_on else "",
                 "" if row.on_time is None else (yes if row.on_time else no),
                 ", ".join(labels["outcome"].get(o, o) if o else "-" for o in row.outcomes),
                 ", ".join(c or "-" for c in row.reason_codes)]
        if row.requester is not None:
            cells += [(row.requester[k] or "").replace("\r\n", "\n").replace("\n", ", ")
                      for k in ("name", "email", "address", "customer_number")]
        writer.writerow([neutralise(c) for c in cells])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _as_json(row: Row) -> dict:
    item = {"reference": row.reference, "received_on": row.received_on.isoformat(), "channel": row.channel,
            "deadline": row.deadline.isoformat(), "extended": row.extended,
            "answered_on": row.answered_on.isoformat() if row.answered_on else None, "on_time": row.on_time,
            "rights": [{"right": r, "outcome": o, "reason_code": c}
                       for r, o, c in zip(row.rights, row.outcomes, row.reason_codes)]}
    if row.requester is not None:
        item["requester"] = row.requester
    return item


def json_chunks(rows_):
    """A JSON array, one case per line, written as it is read."""
    chunk = ["[\n"]
    for i, row in enumerate(rows_):
        chunk.append(("," if i else "") + json.dumps(_as_json(row), ensure_ascii=False) + "\n")
        if len(chunk) >= 500:
            yield "".join(chunk)
            chunk = []
    chunk.append("]\n")
    yield "".join(chunk)

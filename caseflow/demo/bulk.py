"""Demo data at scale: tens of thousands of cases over five years, written with bulk inserts.

The replay through the services (caseflow/demo/seed.py) makes every case legal to the letter but takes a fraction of a
second per case; a register of 100,000 cases for benchmarks and load tests is written here directly, row by row in
batches, with the same spread of rights, channels, statuses and outcomes, about 2,000 open cases and some overdue.
Every row is still consistent: the stored deadline is the legal one, an extension has its notice, a closed case
its answer date and outcomes, and each case has its audit trail (opened, decided, closed).
"""
import random
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import delete, func, insert, select, text, update

from caseflow import clock
from caseflow.audit import chain
from caseflow.audit.models import AuditChainHead
from caseflow.demo.data import (
    CHANNEL_WEIGHTS,
    CLOSE_NOTES,
    CLOSERS,
    DOMAINS,
    ENDINGS,
    EXTEND_REASONS,
    FIRST_NAMES,
    LAST_NAMES,
    OPENERS,
    REQUEST_TEXTS,
    RIGHT_WEIGHTS,
    STREETS,
    TOWNS,
    slug,
)
from caseflow.extensions import db
from caseflow.legal import deadlines, escalation
from caseflow.models import AuditEvent, Case, CaseCounter, CaseRight, Letter, search

BATCH = 2000
DAYS = 5 * 365  # five years of requests
CLOSED_FATES = (("resolved", 78), ("refused", 4), ("withdrawn", 11), ("closed_unverified", 7))


def _at(day: date, rng) -> datetime:
    return datetime.combine(day, time(9, rng.randint(0, 59)), clock.BRUSSELS)


class _Numbers:
    """References continue per year after the cases already there."""

    def __init__(self):
        self.last = dict(db.session.execute(select(Case.year, func.max(Case.number)).group_by(Case.year)).all())

    def next(self, year: int) -> int:
        self.last[year] = self.last.get(year, 0) + 1
        return self.last[year]


def _case_row(rng, case_id, received, today, numbers, staff):
    """One case's row, its rights and its audit trail, as plain dicts."""
    age = (today - received).days
    if age < 38:  # recent: nearly all still open
        status = rng.choices(("new", "awaiting_identity", "in_progress", "resolved"), (10, 12, 70, 8))[0]
    elif age < 100:  # a few stragglers: overdue or extended
        status = "in_progress" if rng.random() < 0.025 else None
    else:
        status = None
    status = status or rng.choices(*zip(*CLOSED_FATES))[0]
    channel = rng.choices(*zip(*CHANNEL_WEIGHTS.items()))[0]
    first = rng.choices(*zip(*RIGHT_WEIGHTS.items()))[0]
    rights = [first] + rng.sample([r for r in RIGHT_WEIGHTS if r != first], rng.choice((0, 0, 0, 1, 1, 2)))
    given, family = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    name = f"{given} {family}"
    email = f"{slug(given)}.{slug(family)}{rng.randint(1, 9999)}@{rng.choice(DOMAINS)}"
    address = f"{rng.choice(STREETS)} {rng.randint(1, 180)}\n{rng.choice(TOWNS)}"
    customer = f"LS{rng.randint(10000, 99999)}" if rng.random() < .6 else None
    body = " ".join(rng.choice(REQUEST_TEXTS[r]) for r in rights)
    request_text = f"{rng.choice(OPENERS[channel])}\n\n{body}\n\n{rng.choice(CLOSERS)}\n{name}"
    number = numbers.next(received.year)
    reference = f"DSR-{received.year}-{number:04d}"
    extended = status in ("in_progress", "resolved") and rng.random() < (0.5 if age >= 35 else 0.08)
    deadline = deadlines.legal_deadline(received, extended=extended)
    extended_on = received + timedelta(days=rng.randint(5, 20)) if extended else None
    if extended_on and extended_on > today:
        extended, extended_on, deadline = False, None, deadlines.legal_deadline(received)
    assignee = rng.choice(staff)
    identity_requested_on = received + timedelta(days=rng.randint(0, 3)) if status == "awaiting_identity" else None
    if identity_requested_on and identity_requested_on > today:
        identity_requested_on = today
    answered = closed_at = None
    if status in ("resolved", "refused"):
        late = rng.random() < 0.06
        latest = max(received, min(deadline, today))
        answered = min(today, deadline + timedelta(days=rng.randint(1, 20))) if late else \
            received + timedelta(days=rng.randint(0, max(0, (latest - received).days)))
        answered = max(received, answered)
    if status not in ("new", "awaiting_identity", "in_progress"):
        closed_day = answered or min(today, received + timedelta(days=rng.randint(5, 45)))
        closed_at = _at(closed_day, rng)
    opened_at = _at(received, rng)
    case = dict(id=case_id, reference=reference, year=received.year, number=number, channel=channel,
                received_on=received, requester_name=name, requester_email=email if channel != "registered_letter"
                or rng.random() < .5 else None, requester_address=address, customer_number=customer,
                request_text=request_text, status=status, assignee_id=assignee.id, deadline=deadline,
                identity_requested_on=identity_requested_on,
                identity_verified_on=received if status in ("in_progress", "resolved", "refused") else None,
                identity_method="Komt overeen met het e-mailadres van het klantaccount" if status in
                ("in_progress", "resolved", "refused") else None,
                identity_check="account" if status in ("in_progress", "resolved", "refused") else None,
                form_token=f"demo:{reference}",  # demo.DEMO_TOKEN: how `demo seed` tells demo cases from real ones
                extended_on=extended_on, extension_reason=rng.choice(EXTEND_REASONS) if extended else None,
                answer_sent_on=answered, closed_at=closed_at, closing_note=rng.choice(CLOSE_NOTES[status])
                if status in CLOSE_NOTES else None, created_at=opened_at, created_by_id=assignee.id, version=1)
    case["search_text"] = search.search_text(reference, name, case["requester_email"], customer, request_text)
    case["requester_sort"] = search.fold(name)
    right_rows = []
    for key in rights:
        row = dict(case_id=case_id, right=key, outcome=None, refusal_code=None, outcome_reason=None,
                   outcome_at=None, outcome_by_id=None)
        if status in ("resolved", "refused"):
            ending = rng.choices(ENDINGS[key], [e.weight for e in ENDINGS[key]])[0]
            if status == "refused":
                ending = ending._replace(outcome="refused" if key != "consent_withdrawal" else "not_applicable",
                                         refusal_code="manifestly_unfounded" if key != "consent_withdrawal" else None)
            row.update(outcome=ending.outcome, refusal_code=ending.refusal_code, outcome_reason=ending.reason or None,
                       outcome_at=_at(answered, rng), outcome_by_id=assignee.id)
        right_rows.append(row)
    events = [dict(case_id=case_id, user_id=assignee.id, created_at=opened_at, action="case_opened",
                   detail=reference)]
    if closed_at:
        events.append(dict(case_id=case_id, user_id=assignee.id, created_at=closed_at, action="outcome_set",
                           detail=rights[0]))
        events.append(dict(case_id=case_id, user_id=assignee.id, created_at=closed_at, action="closed",
                           before="in_progress", after=status))
    elif status == "awaiting_identity":
        events.append(dict(case_id=case_id, user_id=assignee.id, created_at=_at(identity_requested_on, rng),
                           action="identity_requested"))
    else:
        events.append(dict(case_id=case_id, user_id=assignee.id, created_at=opened_at, action="assigned",
                           after=assignee.name))
    letters = []
    if extended:
        letters.append(dict(case_id=case_id, kind="extension_notice", locale="nl", delivery="registered_letter",
                            recipient=f"{name}\n{address}", subject="Verlenging van de antwoordtermijn",
                            body=case["extension_reason"], sent_on=extended_on, created_at=_at(extended_on, rng),
                            created_by_id=assignee.id))
    return case, right_rows, events, letters


def _drop_search_index() -> str | None:
    """PostgreSQL's trigram index is built faster once over all rows than row by row: drop it for a large load
    (in the same transaction) and return the statement that builds it again."""
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    definition = db.session.scalar(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_case_search_text_trgm'"))
    if definition:
        db.session.execute(text("DROP INDEX ix_case_search_text_trgm"))
    return definition


class _Chain:
    """Bulk events get their ids and links here, chained as caseflow.audit.chain does one by one (the ORM's
    listeners do not see a bulk insert), so `audit verify` passes on a seeded register."""

    def __init__(self):
        connection = db.session.connection()
        _, self.last_hash = chain.lock_head(connection)
        self.key = chain.current_key()
        self.last_id = None
        self.next_id = (db.session.scalar(select(func.max(AuditEvent.id))) or 0) + 1

    def link(self, events: list[dict]) -> None:
        case_prev_id = None  # the case is new: its events are all here, in order
        for event in events:
            for name in ("detail", "before", "after"):
                event.setdefault(name, None)
            event["id"], self.next_id = self.next_id, self.next_id + 1
            row = SimpleNamespace(redacted=None, **event)
            event["hash"] = self.last_hash = chain.link(self.key, self.last_hash, row, case_prev_id)
            case_prev_id = self.last_id = event["id"]

    def close(self) -> None:
        if self.last_id is not None:
            head = AuditChainHead.__table__
            db.session.execute(update(head).where(head.c.id == chain.HEAD_ID)
                               .values(last_id=self.last_id, last_hash=self.last_hash))


def _flush(tables: dict) -> None:
    for model, rows in tables.items():
        if rows:
            db.session.execute(insert(model), rows)
            rows.clear()


def seed_bulk(count: int, *, seed: int, today: date, staff: list, echo=print) -> dict:
    """Write `count` cases received over the five years up to `today`; return how many per status."""
    rng = random.Random(seed)
    numbers = _Numbers()
    rebuild = _drop_search_index() if count >= 10_000 else None
    next_id = (db.session.scalar(select(func.max(Case.id))) or 0) + 1
    days = sorted(today - timedelta(days=int(DAYS * rng.random() ** 1.0)) for _ in range(count))
    tables = {Case: [], CaseRight: [], AuditEvent: [], Letter: []}
    statuses = {}
    links = _Chain()
    for i, received in enumerate(days):
        case, rights, events, letters = _case_row(rng, next_id + i, received, today, numbers, staff)
        statuses[case["status"]] = statuses.get(case["status"], 0) + 1
        facts = escalation.CaseFacts(received_on=received, is_open=case["closed_at"] is None,
                                     extended=case["extended_on"] is not None,
                                     identity_requested_on=case["identity_requested_on"])
        level = escalation.level(facts, today)
        case["escalation_level"], case["escalated_on"] = level, today if level else None
        tables[Case].append(case)
        tables[CaseRight].extend(rights)
        links.link(events)
        tables[AuditEvent].extend(events)
        tables[Letter].extend(letters)
        if len(tables[Case]) >= BATCH:
            _flush(tables)
        if (i + 1) % 20000 == 0:
            echo(f"  {i + 1} cases written")
    _flush(tables)
    links.close()
    # the per-year counters start again after the highest number of each year (services.cases._next_number)
    db.session.execute(delete(CaseCounter).where(CaseCounter.year.in_({day.year for day in days})))
    if db.session.get_bind().dialect.name == "postgresql":  # ids were given: move the sequences past them
        for table in ("case", "audit_event"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # nosec B608  # table names from the tuple above, no input
                                    f"(SELECT max(id) FROM \"{table}\"))"))
    if rebuild:
        db.session.execute(text(rebuild))
    db.session.commit()
    return statuses

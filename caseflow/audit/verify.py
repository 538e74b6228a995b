"""Walk the audit chain: the whole of it (`flask audit verify`, the daily audit job) or one case's links."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from caseflow.audit.chain import GENESIS, HEAD_ID, event_hash
from caseflow.audit.models import AuditChainHead
from caseflow.models import AuditEvent, Case

BATCH = 2000

PROBLEMS = {
    "no_hash": _l("has no hash: it was inserted outside Caseflow"),
    "mismatch": _l("does not match its hash: it, or an event before it, was changed, deleted or inserted "
                   "outside Caseflow"),
    "tail": _l("is the last event, but the chain ended later: events after it were deleted"),
}


@dataclass(frozen=True)
class Break:
    event_id: int
    case_id: int | None
    reference: str | None
    problem: str  # a key of PROBLEMS
    prev_event_id: int | None = None

    def describe(self) -> str:
        where = self.reference or f"case {self.case_id}"
        text = f"event {self.event_id} ({where}) {PROBLEMS[self.problem]}"
        if self.prev_event_id is not None:
            text += f" (previous event in the chain: {self.prev_event_id})"
        return text


@dataclass(frozen=True)
class Report:
    checked: int
    breaks: list
    latest_hash: str

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first(self) -> Break | None:
        return self.breaks[0] if self.breaks else None


def _references(session, case_ids) -> dict:
    if not case_ids:
        return {}
    return dict(session.execute(select(Case.id, Case.reference).where(Case.id.in_(case_ids))).all())


def verify_all(session, limit: int = 20) -> Report:
    """Check every event in id order; after a break, go on from the stored hash to find further breaks."""
    session.flush()  # this transaction's own new events first (Core selects below do not autoflush)
    table = AuditEvent.__table__
    prev_hash, prev_id, checked, found = GENESIS, None, 0, []
    last_of_case = {}  # case id -> the id of its latest event so far
    last_seen = 0
    while True:
        rows = session.execute(select(table).where(table.c.id > last_seen).order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            break
        for row in rows:
            checked += 1
            if row.hash is None:
                found.append((row, "no_hash", prev_id))
            elif event_hash(prev_hash, row, last_of_case.get(row.case_id)) != row.hash:
                found.append((row, "mismatch", prev_id))
            prev_hash, prev_id = row.hash or prev_hash, row.id
            last_of_case[row.case_id] = row.id
        last_seen = rows[-1].id
    head = session.execute(select(AuditChainHead).where(AuditChainHead.id == HEAD_ID)).scalar()
    if head is not None and head.last_id is not None and prev_id is not None and (
            head.last_id > prev_id or (head.last_id == prev_id and head.last_hash != prev_hash)):
        last = session.execute(select(table).where(table.c.id == prev_id)).first()
        found.append((last, "tail", None))
    refs = _references(session, {row.case_id for row, _, _ in found[:limit]})
    breaks = [Break(row.id, row.case_id, refs.get(row.case_id), problem, prev)
              for row, problem, prev in found[:limit]]
    return Report(checked=checked, breaks=breaks, latest_hash=prev_hash)


def case_trail(session, case) -> list[int]:
    """Load the case's events (onto `case.events`, for the page) and return the ids of those that do not verify
    against the event before them in the chain and the case's own event before them: changed, inserted, or
    following one of the case's events that was deleted. One query for both.

    (A deleted *last* event of a case shows in `audit verify` and the daily check, not here.)"""
    from sqlalchemy.orm import joinedload
    from sqlalchemy.orm.attributes import set_committed_value

    session.flush()
    table = AuditEvent.__table__
    p = table.alias("p")
    prev_hash = select(p.c.hash).where(p.c.id < AuditEvent.id).order_by(p.c.id.desc()).limit(1).scalar_subquery()
    rows = session.execute(select(AuditEvent, prev_hash.label("prev_hash")).options(joinedload(AuditEvent.user))
                           .where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)).all()
    broken, case_prev_id = [], None
    for event, before in rows:
        if event.hash is None or event_hash(before or GENESIS, event, case_prev_id) != event.hash:
            broken.append(event.id)
        case_prev_id = event.id
    set_committed_value(case, "events", [event for event, _ in rows])
    return broken

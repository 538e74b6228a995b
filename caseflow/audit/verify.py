"""Walk the audit chain: the whole of it (`flask audit verify`, the daily audit job) or one case's links.

The whole walk checks every link under the audit key, the head row, and every anchor since the latest restart
line of the anchor file (caseflow.audit.anchor): an event rewritten (its links recomputed without the key, or
under another key), events deleted at the end, or the whole table emptied, each fail and are named."""
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from caseflow import clock
from caseflow.audit import anchor as anchors
from caseflow.audit.chain import GENESIS, HEAD_ID, current_key, link
from caseflow.audit.models import AuditChainHead
from caseflow.models import AuditEvent, Case

BATCH = 2000

PROBLEMS = {
    "no_hash": _l("has no hash: it was inserted outside Caseflow"),
    "mismatch": _l("does not match its hash: it, or an event before it, was changed, deleted or inserted "
                   "outside Caseflow"),
    "tail": _l("is the last event, but the chain ended later: events after it were deleted"),
    "empty": _l("was the last event of the chain, but the audit trail is empty: its events were deleted"),
    "anchor_missing": _l("was anchored outside the database, but it is gone: events were deleted"),
    "anchor_link": _l("no longer has the link that was anchored outside the database: the chain up to it was "
                      "rewritten"),
    "anchor_count": _l("has a different number of events up to it than when it was anchored: events before it "
                       "were deleted or inserted"),
    "anchor_key": _l("was written under another audit key: the key in use is not the one this chain was anchored "
                     "with (check CASEFLOW_AUDIT_KEY and instance/audit_key)"),
    "anchor_forged": _l("was not written by Caseflow: the anchor file was edited by hand"),
    "anchor_unreadable": _l("cannot be read: the anchor file was damaged or edited by hand"),
}
FILE_PROBLEMS = ("anchor_key", "anchor_forged", "anchor_unreadable")


@dataclass(frozen=True)
class Break:
    event_id: int | None
    case_id: int | None
    reference: object  # the case's reference; for an anchor or the head row, what it is (a lazy text)
    problem: str  # a key of PROBLEMS
    prev_event_id: int | None = None
    anchor: object = None  # caseflow.audit.anchor.Anchor, for the anchor_* problems
    chain_end: tuple | None = None  # (events, last id) of the chain, where events are missing at its end

    def describe(self) -> str:
        where = self.reference or f"case {self.case_id}"
        text = f"event {self.event_id} ({where}) {PROBLEMS[self.problem]}" if self.event_id is not None \
            else f"{where} {PROBLEMS[self.problem]}"
        if self.prev_event_id is not None:
            text += f" (previous event in the chain: {self.prev_event_id})"
        if self.problem == "anchor_missing":
            count, last = self.chain_end
            now = "the chain is now empty" if last is None else f"the chain now ends at event {last}, {count} events"
            text += f" ({self.anchor.events} events anchored; {now})"
        elif self.anchor is not None and self.problem not in FILE_PROBLEMS:
            text += f" ({anchor_label(self.anchor)}: {self.anchor.events} events up to it)"
        return text


@dataclass(frozen=True)
class Report:
    checked: int
    breaks: list  # the first `limit` of them
    latest_hash: str
    total: int = 0  # breaks found, also those beyond `limit`
    anchor: object = None  # the latest anchor compared (caseflow.audit.anchor.Anchor), None: nothing anchored yet
    anchors: int = 0  # how many anchors were compared
    expected_id: int | None = None  # verify(expect=link): the event that has that link and verifies
    relinked: object = None  # the head row, when migration 0018 re-linked an unkeyed chain

    @property
    def ok(self) -> bool:
        return not self.breaks

    @property
    def first(self) -> Break | None:
        return self.breaks[0] if self.breaks else None


def anchor_label(anchor) -> object:
    when = clock.as_utc(anchor.at).astimezone(clock.BRUSSELS).strftime("%Y-%m-%d %H:%M")
    return _l("the anchor of %(time)s", time=when)


def _references(session, case_ids) -> dict:
    case_ids = {case_id for case_id in case_ids if case_id is not None}
    if not case_ids:
        return {}
    return dict(session.execute(select(Case.id, Case.reference).where(Case.id.in_(case_ids))).all())


def verify_all(session, limit: int = 20, *, key: bytes | None = None, loaded=None,
               expect: str | None = None) -> Report:
    """Check every event in id order (after a break, go on from the stored hash to find further breaks), the head
    row, and the anchors (`loaded`, default: the app's anchor file); `expect`: a link that must be in the chain."""
    session.flush()  # this transaction's own new events first (Core selects below do not autoflush)
    key = key or current_key()
    if loaded is None:
        loaded = anchors.load(anchors.path_of(current_app), key)
    by_id = {}
    for item in loaded.anchors:
        if item.last_id is not None:
            by_id.setdefault(item.last_id, []).append(item)
    table = AuditEvent.__table__
    prev_hash, prev_id, checked, expected_id = GENESIS, None, 0, None
    found = [(None, p.reason, None, p.anchor, p.line) for p in loaded.problems if p.reason == "anchor_key"]
    last_of_case, seen = {}, set()  # case id -> the id of its latest event so far; anchors' lines met
    last_seen = 0
    while True:
        rows = session.execute(select(table).where(table.c.id > last_seen).order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            break
        for row in rows:
            checked += 1
            before = len(found)
            if row.hash is None:
                found.append((row, "no_hash", prev_id, None, None))
            elif link(key, prev_hash, row, last_of_case.get(row.case_id)) != row.hash:
                found.append((row, "mismatch", prev_id, None, None))
            for item in by_id.get(row.id, ()):
                seen.add(item.line)
                if item.head != row.hash:
                    found.append((row, "anchor_link", None, item, None))
                elif item.events != checked:
                    found.append((row, "anchor_count", None, item, None))
            if expect is not None and row.hash == expect and len(found) == before:
                expected_id = row.id
            prev_hash, prev_id = row.hash or prev_hash, row.id
            last_of_case[row.case_id] = row.id
        last_seen = rows[-1].id
    head = session.execute(select(AuditChainHead).where(AuditChainHead.id == HEAD_ID)).scalar()
    end = []
    if head is not None and head.last_id is not None and prev_id is not None and (
            head.last_id > prev_id or (head.last_id == prev_id and head.last_hash != prev_hash)):
        end.append((session.execute(select(table).where(table.c.id == prev_id)).first(), "tail", None, None, None))
    if head is not None and head.last_id is not None and prev_id is None:
        end.append((None, "empty", None, None, head.last_id))
    end += [(None, "anchor_missing", None, item, item.last_id) for item in loaded.anchors
            if item.last_id is not None and item.line not in seen]
    found += end + [(None, p.reason, None, p.anchor, p.line) for p in loaded.problems if p.reason != "anchor_key"]
    refs = _references(session, {row.case_id for row, *_ in found[:limit] if row is not None})
    breaks = [_break(row, problem, prev, item, extra, refs, (checked, prev_id))
              for row, problem, prev, item, extra in found[:limit]]
    return Report(checked=checked, breaks=breaks, latest_hash=prev_hash, total=len(found), anchor=loaded.latest,
                  anchors=len(loaded.anchors), expected_id=expected_id,
                  relinked=head if head is not None and head.relinked_from else None)


def _break(row, problem, prev, item, extra, refs, chain_end) -> Break:
    """A found problem as a Break; `extra` is the event id (anchor_missing, empty) or the file's line."""
    if row is not None:
        return Break(row.id, row.case_id, refs.get(row.case_id) or (anchor_label(item) if item else None),
                     problem, prev, anchor=item)
    if problem == "empty":
        return Break(extra, None, _l("the chain's head"), problem, chain_end=chain_end)
    if problem == "anchor_missing":
        return Break(extra, None, anchor_label(item), problem, anchor=item, chain_end=chain_end)
    where = _l("line %(num)s of the anchor file", num=extra) if extra else _l("the anchor file")
    return Break(None, None, where, problem, anchor=item)


def case_trail(session, case) -> list[int]:
    """Load the case's events (onto `case.events`, for the page) and return the ids of those that do not verify
    against the event before them in the chain and the case's own event before them: changed, inserted, or
    following one of the case's events that was deleted. One query for both.

    (A deleted *last* event of a case shows in `audit verify` and the daily check, not here.)"""
    from sqlalchemy.orm import joinedload
    from sqlalchemy.orm.attributes import set_committed_value

    session.flush()
    key = current_key()
    table = AuditEvent.__table__
    p = table.alias("p")
    prev_hash = select(p.c.hash).where(p.c.id < AuditEvent.id).order_by(p.c.id.desc()).limit(1).scalar_subquery()
    rows = session.execute(select(AuditEvent, prev_hash.label("prev_hash")).options(joinedload(AuditEvent.user))
                           .where(AuditEvent.case_id == case.id).order_by(AuditEvent.id)).all()
    broken, case_prev_id = [], None
    for event, before in rows:
        if event.hash is None or link(key, before or GENESIS, event, case_prev_id) != event.hash:
            broken.append(event.id)
        case_prev_id = event.id
    set_committed_value(case, "events", [event for event, _ in rows])
    return broken

"""Anchors: the audit chain's head written down outside the database, one JSON line each in the anchor file
(AUDIT_ANCHOR_FILE, in instance/ unless absolute) and mailed to the administrators by the daily `anchor` job.

A line says how many events the chain had, the last one's id and link, and when (`kind` "anchor"). Whoever can
change the database can delete the last events, or all of them, and fix the head row to match: the links that
remain still verify, but an anchor names an event (and a count) that is no longer there. `audit verify` and the
daily check compare the chain with every anchor since the latest restart line:
- "relink": migration 0018 linked the existing chain again under the audit key (it also names the unkeyed head
  it started from);
- "restore": `audit anchor --after-restore` after a backup was restored: events after the backup are gone
  for a reason the administrator knows, and the anchors before this line are history.
Each line carries the key's id and an HMAC under the audit key, so a line written by hand shows as such.
"""
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, select

from caseflow.audit.chain import key_id
from caseflow.models import AuditEvent

KINDS = ("anchor", "relink", "restore")
RESTARTS = ("relink", "restore")  # from the latest of these on, the anchors are compared with the chain
FIELDS = ("kind", "at", "events", "last_id", "head", "key_id")


@dataclass(frozen=True)
class Anchor:
    kind: str
    at: datetime
    events: int
    last_id: int | None
    head: str | None  # the last event's link (None: that event was stored without one)
    line: int = 0  # in the file, from 1
    extra: dict = field(default_factory=dict, compare=False, hash=False)  # relink: unkeyed_head, breaks_kept


@dataclass(frozen=True)
class FileProblem:
    line: int | None  # None: the file itself
    reason: str  # "anchor_unreadable", "anchor_forged", "anchor_key" (keys of caseflow.audit.verify.PROBLEMS)
    anchor: Anchor | None = None


@dataclass(frozen=True)
class Loaded:
    anchors: list  # [Anchor] since the latest restart line, in file order
    problems: list  # [FileProblem]

    @property
    def latest(self) -> Anchor | None:
        return self.anchors[-1] if self.anchors else None


def path_of(app) -> str:
    return os.path.join(app.instance_path, app.config["AUDIT_ANCHOR_FILE"])


def _mac(key: bytes, fields: dict) -> str:
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, f"caseflow audit anchor\n{text}".encode(), hashlib.sha256).hexdigest()


def line_of(key: bytes, kind: str, at: datetime, events: int, last_id: int | None, head: str | None,
            **extra) -> str:
    """One anchor as its line of the file (without the newline)."""
    fields = {"kind": kind, "at": at.astimezone(timezone.utc).isoformat(timespec="seconds"), "events": events,
              "last_id": last_id, "head": head, "key_id": key_id(key), **extra}
    return json.dumps({**fields, "mac": _mac(key, fields)}, sort_keys=True, separators=(",", ":"))


def parse(text: str, number: int, key: bytes) -> Anchor | FileProblem:
    """One line of the file: an Anchor, or what is wrong with it (everything but the mac is signed)."""
    try:
        signed = json.loads(text)
        mac = signed.pop("mac")
        at = datetime.fromisoformat(signed["at"])
        anchor = Anchor(kind=signed["kind"], at=at if at.tzinfo else at.replace(tzinfo=timezone.utc),
                        events=signed["events"], last_id=signed["last_id"], head=signed["head"], line=number,
                        extra={name: value for name, value in signed.items() if name not in FIELDS})
        if anchor.kind not in KINDS or not _is_count(anchor.events) or not (
                anchor.last_id is None or _is_count(anchor.last_id)) or not isinstance(anchor.head, (str, type(None))):
            raise ValueError(anchor.kind)
    except (ValueError, KeyError, TypeError, AttributeError):
        return FileProblem(number, "anchor_unreadable")
    if signed.get("key_id") != key_id(key):
        return FileProblem(number, "anchor_key", anchor)
    if not hmac.compare_digest(str(mac), _mac(key, signed)):
        return FileProblem(number, "anchor_forged", anchor)
    return anchor


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def load(file_path: str, key: bytes) -> Loaded:
    """The anchors to compare with the chain (those since the latest restart line) and what is wrong in the
    file: unreadable lines, lines not written under this key. No file yet: nothing anchored."""
    try:
        with open(file_path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except FileNotFoundError:
        return Loaded([], [])
    except (OSError, UnicodeDecodeError):
        return Loaded([], [FileProblem(None, "anchor_unreadable")])
    anchors, problems = [], []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        item = parse(text, number, key)
        if isinstance(item, FileProblem):
            if not (item.reason == "anchor_key" and any(p.reason == "anchor_key" for p in problems)):
                problems.append(item)  # another key: named once, it is one mistake
            continue
        if item.kind in RESTARTS:
            anchors = []
        anchors.append(item)
    return Loaded(anchors, problems)


def head_now(session) -> tuple[int, int | None, str | None]:
    """(number of events, the last one's id, its link), as the events table holds them."""
    session.flush()
    table = AuditEvent.__table__
    count = session.scalar(select(func.count()).select_from(table))
    last = session.execute(select(table.c.id, table.c.hash).order_by(table.c.id.desc()).limit(1)).first()
    return count, (last.id if last else None), (last.hash if last else None)


def append(file_path: str, line: str) -> None:
    """Add one line at the end of the file (created owner-only), on disk before returning."""
    os.makedirs(os.path.dirname(file_path) or ".", mode=0o700, exist_ok=True)
    fd = os.open(file_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def record(session, file_path: str, key: bytes, *, now: datetime, kind: str = "anchor") -> Anchor:
    """Anchor the chain's head as it is now: append its line to the anchor file and return it."""
    events, last_id, head = head_now(session)
    line = line_of(key, kind, now, events, last_id, head)
    append(file_path, line)
    return Anchor(kind=kind, at=now.astimezone(timezone.utc).replace(microsecond=0), events=events,
                  last_id=last_id, head=head)

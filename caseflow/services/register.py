"""Finding cases for the register: filters, search, sorting and paging, fast at 100,000 cases.

Every filter and sort is served by an index (migration 0013); a page is read as `per_page + 1` rows (is there a
next page?) instead of counting every match; the search uses the substring index of caseflow/models/search.py.
"""
import re
from collections import defaultdict
from dataclasses import asdict, dataclass, fields
from datetime import date

from sqlalchemy import Integer, and_, column, func, literal_column, or_, select, table, true
from sqlalchemy import case as sql_case
from sqlalchemy.orm import aliased, defer, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from caseflow.extensions import db
from caseflow.legal.escalation import LEVELS
from caseflow.legal.rights import CHANNELS, CLOSED_STATUSES, HANDLED_CLOSED_STATUSES, OPEN_STATUSES, RIGHTS, STATUSES
from caseflow.models import Case, CaseRight, Letter, User
from caseflow.models.search import fold

# "DSR-2026-0041", "dsr 2026 41", "2026-0041": a case reference as people read it out on the phone; not
# "DSR-2026-004", the start of 0040-0049 (a number with a leading zero has its four digits)
REFERENCE = re.compile(r"(?:dsr[\s-]*)?(\d{4})[\s/-]+(\d{4,}|[1-9]\d{0,2})")
CLOSED_MATCHES_CAP = 1000  # "more than 1000 closed cases found": counting further tells nobody anything
_case_fts = table("case_fts", column("rowid"), column("case_fts"))  # SQLite's word index (migration 0013)
MANY_HITS = 300
WORD = re.compile(r"[^\W_]+")  # a word as FTS5's unicode61 tokenizer reads it
MAX_ID = 2**31 - 1  # ids are 32-bit integers (PostgreSQL's integer): a larger one names nobody
MAX_PAGE = 10**6  # far past any register's last page, and (page - 1) * per_page stays a 64-bit OFFSET
ASCII_NUMBER = re.compile(r"[0-9]{1,18}")  # no sign, no spaces, no other script's digits (int() takes "\u0663")


def as_number(text, *, low: int = 0, high: int) -> int | None:
    """A number typed in a URL (a page, a user's id), or None: ASCII digits within low..high, nothing else.

    int() alone would take "\u0663" or " 7 ", and str.isdigit() says yes to "\u00b2", which int() refuses; a number
    beyond 64 bits overflows the database driver. Such a value is ignored, never a server error."""
    if not isinstance(text, str) or not ASCII_NUMBER.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def page_number(text) -> int:
    """The register's ?page=: 1 unless it is a number from 1 to MAX_PAGE."""
    return as_number(text, low=1, high=MAX_PAGE) or 1


def _assignee_name():
    return select(User.name).where(User.id == Case.assignee_id).scalar_subquery()


# The register's sortable columns: URL key -> (sort expression, tie-breaker needed)
SORTS = {
    "reference": lambda: (Case.reference,),
    "requester": lambda: (Case.requester_sort, Case.id),
    "status": lambda: (Case.status, Case.id),
    "received": lambda: (Case.received_on, Case.id),
    "deadline": lambda: (Case.deadline, Case.id),
    "closed": lambda: (Case.closed_at, Case.id),
    "assignee": lambda: (_assignee_name(), Case.id),
}


@dataclass(frozen=True)
class Filters:
    """What the register shows, as carried in its URL (bookmarkable): filters, search, sort."""

    status: str = "open"
    right: str = ""
    channel: str = ""
    assignee: str = ""  # a user id, "none" for unassigned, "" for everyone
    level: str = ""  # escalation level
    received_from: date | None = None
    received_to: date | None = None
    deadline_from: date | None = None
    deadline_to: date | None = None
    q: str = ""
    sort: str = ""  # a key of SORTS, "-key" for descending; "" for the status's natural order

    @classmethod
    def of(cls, **values) -> "Filters":
        """From (form) values, anything unknown dropped: a hand-edited URL shows a register, not an error."""
        wanted = {f.name: values.get(f.name) for f in fields(cls) if values.get(f.name) not in (None, "")}
        f = cls(**wanted)
        clean = {
            "status": f.status if f.status in ("open", "running", "closed", "all", *STATUSES) else "open",
            "right": f.right if f.right in RIGHTS else "",
            "channel": f.channel if f.channel in CHANNELS else "",
            "assignee": f.assignee if f.assignee == "none" or as_number(str(f.assignee), low=1, high=MAX_ID) else "",
            "level": f.level if f.level in LEVELS else "",
            "sort": f.sort if f.sort.lstrip("-") in SORTS else "",
            "q": (f.q or "").strip(),
        }
        return cls(**{**asdict(f), **clean})

    def args(self, **changes) -> dict:
        """The URL query of this view (non-default values only), with `changes` applied."""
        values = {**self.__dict__, **changes}  # not asdict(): it deep-copies, once per link on the page
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()
                if v not in (None, "") and not (k == "status" and v == "open")}


def as_reference(q: str) -> str | None:
    """The case reference a search names exactly ('dsr-2026-0041' -> 'DSR-2026-0041'), or None."""
    match = REFERENCE.fullmatch(fold(q).strip())
    return f"DSR-{match[1]}-{int(match[2]):04d}" if match else None


def _status_condition(status: str):
    # A closed case always has its closed_at (services.cases.close_now sets both, reopening clears both). Saying so
    # lets PostgreSQL start the closed list (newest closed first) past the open cases' empty closed_at in its index,
    # instead of walking over every one of them first.
    if status == "open":
        return Case.status.in_(OPEN_STATUSES)
    if status == "running":  # open, and the clock runs: what the dashboard's overdue and due-soon counters count
        return and_(Case.status.in_(OPEN_STATUSES), Case.identity_requested_on.is_(None))
    if status == "closed":  # requests handled: cases logged by mistake have a filter of their own
        return and_(Case.status.in_(HANDLED_CLOSED_STATUSES), Case.closed_at.is_not(None))
    if status in CLOSED_STATUSES:
        return and_(Case.status == status, Case.closed_at.is_not(None))
    if status in STATUSES:
        return Case.status == status
    return true()


def _text_condition(q: str):
    """Folded like Case.search_text: no case, no accents ("celine" finds "Céline"); typed text, never a pattern.

    On PostgreSQL the trigram index serves LIKE on the column itself (for the typed text's longest word). On SQLite the FTS5 word index finds the
    cases: plain words as words in that order, the last one as a beginning ("jan pee" finds "Jan Peeters");
    text with other signs (an email address) by its longest whole word, then LIKE keeps those holding the typed
    text exactly. Text without a word to look up ("%") is compared by LIKE alone."""
    folded = fold(q).strip()
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    exact = Case.search_text.like(f"%{escaped}%", escape="\\")
    words = WORD.findall(folded)
    if db.session.get_bind().dialect.name != "sqlite":
        longest = max(words, key=len, default="")
        if len(longest) < 3 or longest == folded:
            return exact
        # The index is asked for the longest word alone: the trigrams of "example.be" are in nearly every row and
        # would make it read them all. strpos() then checks the whole text, exactly and without the index.
        return and_(Case.search_text.like(f"%{longest}%"), func.strpos(Case.search_text, folded) > 0)
    if not words:
        return exact
    if folded == " ".join(words):
        return _fts_match('"' + " ".join(words) + '"*')
    # a word after the first starts a word in the text too (the first may be the end of a longer one)
    inner = words[1:] or words
    return and_(_fts_match('"' + max(inner, key=len) + '"*'), exact)


def _fts_match(query: str):
    """Cases the FTS5 index finds. Many hits (a common surname): read the register's order from its index and keep
    the hits; few (an email address, a customer number): look the hits up by id. Asking how many costs little."""
    hits = select(_case_fts.c.rowid).where(_case_fts.c.case_fts.match(query))
    many = db.session.scalar(select(func.count()).select_from(hits.limit(MANY_HITS).subquery())) >= MANY_HITS
    case_id = literal_column('+"case".id', Integer) if many else Case.id  # '+' keeps SQLite off the id index
    return case_id.in_(hits)


def _conditions(f: Filters, *, status: bool = True) -> list:
    """Every filter but the search, as SQL conditions."""
    wanted = [_status_condition(f.status)] if status else []
    if f.right:
        # its own alias of case_right: a query that joins case_right itself (the export) would otherwise correlate
        # it away, leaving the subquery without a FROM
        right = aliased(CaseRight)
        wanted.append(select(right.id).where(right.case_id == Case.id, right.right == f.right).exists())
    if f.channel:
        wanted.append(Case.channel == f.channel)
    if f.assignee == "none":
        wanted.append(Case.assignee_id.is_(None))
    elif f.assignee:
        wanted.append(Case.assignee_id == int(f.assignee))
    if f.level:
        wanted.append(Case.escalation_level == f.level)
    for col, lo, hi in ((Case.received_on, f.received_from, f.received_to),
                        (Case.deadline, f.deadline_from, f.deadline_to)):
        if lo:
            wanted.append(col >= lo)
        if hi:
            wanted.append(col <= hi)
    return wanted


def matching(f: Filters):
    """A select() of the cases a register view shows, unordered and without loader options."""
    wanted = and_(*_conditions(f))
    if fold(f.q).strip():
        wanted = and_(wanted, _text_condition(f.q))
        if reference := as_reference(f.q):
            wanted = or_(wanted, Case.reference == reference)
    return select(Case).where(wanted)


def _order(f: Filters):
    """The sort asked for; else open cases most urgent first, closed ones latest closed first, all newest first."""
    if f.sort:
        descending = f.sort.startswith("-")
        columns = SORTS[f.sort.lstrip("-")]()
        return [c.desc() if descending else c.asc() for c in columns]
    if f.status in ("closed", *CLOSED_STATUSES):
        return [Case.closed_at.desc(), Case.id.desc()]
    if f.status == "all":
        return [Case.received_on.desc(), Case.id.desc()]
    # By deadline; a case waiting for the requester (clock suspended, its deadline moving a day for every day of
    # waiting) comes after them, longest waiting first, unless it was already overdue when the clock stopped.
    waiting = and_(Case.identity_requested_on.is_not(None), Case.deadline >= Case.identity_requested_on)
    return [sql_case((waiting, 1), else_=0), sql_case((waiting, Case.identity_requested_on)), Case.deadline, Case.id]


def find_cases(f: Filters | None = None, *, offset: int = 0, limit: int | None = None, **values):
    """A select() of the cases a register view shows (from `offset`, at most `limit`), in its order, with their
    assignee, rights and suspensions joined in (one round trip to the database, not three: on PostgreSQL each costs
    about half a millisecond); page_of() adds the extended cases' notices.

    The page's cases are picked by id first, then read: sorting the open cases' ids needs only the index on
    status and deadline, where sorting whole rows (joined with their assignee) read and carried every column of
    every match, 2.5 ms of the page at 100,000 cases. The request's text, and the search text made from it, can be
    long and a row shows neither: they are not read (and reading one per row by accident raises instead of
    querying once per row).

    A search for a case's exact reference finds that case whatever its status: the requester phoning
    about a closed case gives its reference, and the "open" default must not hide it.
    """
    f = f or Filters.of(**values)
    order = _order(f)
    # correlate(None): the ids come from a query of their own, not from the case of the outer query
    ids = matching(f).with_only_columns(Case.id).order_by(*order).offset(offset).limit(limit).correlate(None)
    return select(Case).where(Case.id.in_(ids)).options(
        joinedload(Case.assignee), joinedload(Case.rights), joinedload(Case.suspensions),
        defer(Case.request_text, raiseload=True), defer(Case.search_text, raiseload=True),
    ).order_by(*order)


def with_extension_notices(cases: list[Case]) -> list[Case]:
    """Load the extension notices of the extended cases among `cases`, with their outbox copies, in one query (is
    the extension in force? Art. 12(3)). For showing only: a case's letters then hold its extension notices alone;
    the other cases' letters are not read at all (a page of open cases would otherwise read every acknowledgement
    with its text and its outbox copy)."""
    extended = [case for case in cases if case.extended_on is not None]
    if extended:
        notices = defaultdict(list)
        for letter in db.session.scalars(
                select(Letter).where(Letter.case_id.in_([case.id for case in extended]),
                                     Letter.kind == "extension_notice")
                .options(joinedload(Letter.outbox_message)).order_by(Letter.id)):
            notices[letter.case_id].append(letter)
        for case in extended:
            set_committed_value(case, "letters", notices[case.id])
    return cases


@dataclass
class Page:
    """One page of the register: its cases and whether there are more, without counting every match."""

    items: list
    number: int
    per_page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.number > 1


def page_of(f: Filters, number: int, per_page: int) -> Page:
    number = min(max(1, number), MAX_PAGE)
    rows = db.session.scalars(find_cases(f, offset=(number - 1) * per_page, limit=per_page + 1)).unique().all()
    return Page(items=with_extension_notices(rows[:per_page]), number=number, per_page=per_page,
                has_next=len(rows) > per_page)


def count_closed_matches(f: Filters) -> int:
    """How many closed cases a search of the open ones leaves out (not counting one found by its reference);
    counted up to CLOSED_MATCHES_CAP + 1."""
    if not fold(f.q).strip():
        return 0
    query = select(Case.id).where(*_conditions(f, status=False), Case.status.in_(HANDLED_CLOSED_STATUSES),
                                  _text_condition(f.q))
    if reference := as_reference(f.q):
        query = query.where(Case.reference != reference)
    return db.session.scalar(select(func.count()).select_from(query.limit(CLOSED_MATCHES_CAP + 1).subquery()))


def assignee_choices() -> list[User]:
    """The staff the register's filter offers: the active ones, then deactivated staff who still have open cases
    (so those cases can be found), in one query."""
    with_open_cases = select(Case.assignee_id).where(Case.status.in_(OPEN_STATUSES))
    return list(db.session.scalars(
        select(User).where(or_(User.active.is_(True), User.id.in_(with_open_cases)))
        .order_by(User.active.desc(), User.name)))

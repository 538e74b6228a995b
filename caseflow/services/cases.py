"""The life of a case: open, correct the requester, ask for identity, record it, extend, close, assign.

The work per right (actions, checklist lines, outcomes) is in services.resolution.

Every function validates against the rules of docs/architecture.md §2-3, writes audit events and
commits one unit of work, or raises ServiceError and leaves the database untouched.
"""
import random
import time
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from caseflow import attachments
from caseflow.extensions import db
from caseflow.legal import rules, tracking
from caseflow.legal.rights import CHANNELS, CLOSE_STATUSES, RIGHTS, SALUTATIONS
from caseflow.mail import reminders
from caseflow.models import Case, CaseCounter, CaseRight, User
from caseflow.services import (
    ServiceError,
    audit,
    audit_parts,
    check_version,
    commit,
    duplicates,
    holds_lock,
    locked,
    moment,
    refresh_deadline,
    require_open,
)

GDPR_APPLIES_FROM = date(2018, 5, 25)  # Art. 99(2): no GDPR request can have been received before
OLD_AFTER_DAYS = 365  # a receipt date further back must be confirmed (a typo in the year is likelier)
REFERENCE_ATTEMPTS = 30  # each a whole new try after another writer won a race (it waits a little longer each time)


# Asking for and recording the proof of identity (the ladder): services.identity, re-exported here.
from caseflow.services.identity import record_identity, request_identity  # noqa: E402,F401


def _next_number(year: int) -> int:
    """Take the year's next number: the counter row's UPDATE is the transaction's first write, so it holds the row
    (PostgreSQL) or the database's write lock (SQLite) until commit; a rolled back case gives its number back."""
    taken = db.session.execute(update(CaseCounter).where(CaseCounter.year == year)
                               .values(last_number=CaseCounter.last_number + 1)).rowcount
    if not taken:  # the year's first case (or cases from before the counter): start after the highest number
        highest = db.session.scalar(select(func.max(Case.number)).where(Case.year == year)) or 0
        db.session.add(CaseCounter(year=year, last_number=highest + 1))
        db.session.flush()  # a concurrent first case of the year: IntegrityError, and the caller tries again
    return db.session.scalar(select(CaseCounter.last_number).where(CaseCounter.year == year))


def _lost_race(error: Exception) -> bool:
    """A conflict worth a new try: a unique number taken, SQLite's lock busy, a PostgreSQL deadlock."""
    if isinstance(error, IntegrityError):
        return True
    text = str(error).lower()
    return any(word in text for word in ("database is locked", "deadlock", "could not serialize"))


def _active_user(user_id) -> User | None:
    if user_id in (None, "", 0):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        raise ServiceError(_l("Choose an active staff member."), field="assignee_id")
    return user


def open_case(
    *,
    actor: User,
    channel: str,
    received_on: date,
    requester_name: str,
    rights: list[str],
    requester_email: str | None = None,
    requester_address: str | None = None,
    customer_number: str | None = None,
    tracking_number: str | None = None,
    request_text: str = "",
    assignee_id: int | None = None,
    attachment=None,
    attachment_name: str | None = None,
    requester_salutation: str | None = None,
    form_token: str | None = None,
    notify: bool = True,
    confirm_old: bool = False,
    today: date | None = None,
    now: datetime | None = None,
) -> Case:
    """Log an incoming request as a new case with its reference and legal deadline.

    notify: an assignee other than the actor gets an email (not for the demo's invented past).
    form_token: the new-case form's own token; the same form saved again (a double submit, or the back button
    and save) raises duplicates.AlreadySaved naming the case it made the first time.
    """
    today, now = moment(today, now)
    form_token = (form_token or "").strip()[:64] or None
    earlier = duplicates.saved_with_token(form_token)
    if earlier is not None:
        raise duplicates.AlreadySaved(earlier)
    if channel not in CHANNELS:
        raise ServiceError(_l("Choose how the request arrived."), field="channel")
    if received_on > today:
        raise ServiceError(_l("The date received cannot be in the future."), field="received_on")
    if received_on < GDPR_APPLIES_FROM:
        raise ServiceError(_l("The date received cannot be before 25 May 2018, when the GDPR began to apply."),
                           field="received_on")
    if (today - received_on).days > OLD_AFTER_DAYS and not confirm_old:
        raise ServiceError(_l("This date is more than a year ago. Check it, and tick the box below to confirm it "
                              "is right."), field="confirm_old")
    if not rights:
        raise ServiceError(_l("Tick at least one right."), field="rights")
    unknown = [r for r in rights if r not in RIGHTS]
    if unknown:
        raise ServiceError(_l("Unknown right: %(right)s", right=", ".join(unknown)), field="rights")
    _check_requester(requester_name, requester_email, requester_address)
    tracking_number = _check_tracking_number(channel, tracking_number)
    _check_salutation(requester_salutation)
    assignee = _active_user(assignee_id)

    stored = attachments.save(attachment, attachment_name) if attachment is not None else None
    if stored and attachments.size_of(stored) == 0:
        attachments.discard(stored)
        raise ServiceError(_l("The attachment is empty (0 bytes): choose the scan or saved email again."),
                           field="attachment")
    try:
        for attempt in range(REFERENCE_ATTEMPTS):
            try:
                number = _next_number(received_on.year)
            except (IntegrityError, OperationalError) as error:
                db.session.rollback()
                if not _lost_race(error):
                    raise
                time.sleep(random.uniform(0, 0.02 * (attempt + 1)))  # nosec B311  # jitter, not security
                continue
            case = Case(
                reference=f"DSR-{received_on.year}-{number:04d}",
                year=received_on.year,
                number=number,
                channel=channel,
                received_on=received_on,
                requester_name=requester_name.strip(),
                requester_email=(requester_email or "").strip() or None,
                requester_address=(requester_address or "").strip() or None,
                customer_number=(customer_number or "").strip() or None,
                tracking_number=tracking_number,
                requester_salutation=requester_salutation or None,
                form_token=form_token,
                request_text=request_text or "",
                attachment_name=attachments.shorten(attachment_name) if stored else None,
                attachment_path=stored,
                assignee=assignee,
                created_by=actor,
                created_at=now,
                status="new",
                rights=[CaseRight(right=key) for key in RIGHTS if key in rights],
            )
            refresh_deadline(case)
            db.session.add(case)
            audit(case, actor, "case_opened", detail=" | ".join(case.right_keys), after=case.deadline.isoformat(),
                  at=now)
            if assignee:
                audit(case, actor, "assigned", after=assignee.name, at=now)
            try:
                if assignee and notify:
                    db.session.flush()  # the case's id, for the link in the assignee's email
                    reminders.tell_assignee(case, assignee, actor, now=now)
                db.session.commit()
                return case
            except (IntegrityError, OperationalError) as error:  # a writer won a race: try again
                db.session.rollback()
                earlier = duplicates.saved_with_token(form_token)
                if earlier is not None:  # ...or the same form, saved by a second click a moment ago
                    raise duplicates.AlreadySaved(earlier) from None
                if not _lost_race(error):
                    raise
                time.sleep(random.uniform(0, 0.02 * (attempt + 1)))  # nosec B311  # jitter, not security
        raise ServiceError(_l("Could not assign a reference; please try again."))
    except BaseException:
        attachments.discard(stored)
        raise


def _check_tracking_number(channel: str, text: str | None) -> str | None:
    """The Bpost number of an incoming registered letter, normalized; only a registered letter has one."""
    if not (text or "").strip():
        return None
    if channel != "registered_letter":
        raise ServiceError(_l("Only a registered letter has a Bpost tracking number."), field="tracking_number")
    number = tracking.normalize(text)
    if not tracking.is_valid(number):
        raise ServiceError(tracking.EXPECTED, field="tracking_number")
    return number


def _check_requester(name: str, email: str | None, address: str | None) -> None:
    if not (email or (address or "").strip()):
        raise ServiceError(_l("Give the requester's email address or postal address."), field="requester_email")
    if not (name or "").strip():
        raise ServiceError(_l("Give the requester's name."), field="requester_name")


def _check_salutation(salutation: str | None) -> None:
    if salutation and salutation not in SALUTATIONS:
        raise ServiceError(_l("Choose how letters address the requester."), field="requester_salutation")


REQUESTER_FIELDS = ("requester_name", "requester_email", "requester_address", "customer_number",
                    "requester_salutation")


def update_requester(case: Case, *, actor: User, expected_version=None, now=None, **values) -> Case:
    """Correct the requester's details (a typo, a new address after a bounce); every change is in the trail."""
    _, now = moment(None, now)
    check_version(case, expected_version)
    require_open(case)
    cleaned = {key: (values.get(key) or "").strip() or None for key in REQUESTER_FIELDS}
    _check_requester(cleaned["requester_name"], cleaned["requester_email"], cleaned["requester_address"])
    _check_salutation(cleaned["requester_salutation"])
    changed = [key for key in REQUESTER_FIELDS if cleaned[key] != getattr(case, key)]
    if not changed:
        return case
    before = [getattr(case, key) or "" for key in changed]
    for key in changed:
        setattr(case, key, cleaned[key])
    audit(case, actor, "requester_changed", detail=" | ".join(changed), before="\n".join(before),
          after="\n".join(cleaned[key] or "" for key in changed), at=now)
    commit()
    return case


def extend(case: Case, *, actor: User, reason: str, expected_version=None, today=None, now=None) -> Case:
    """Extend once by two months, with a reason, and only before the original deadline has passed."""
    today, now = moment(today, now)
    check_version(case, expected_version)
    require_open(case)
    if case.extended:
        raise ServiceError(_l("This case has already been extended; it can be extended only once."))
    if not (reason or "").strip():
        raise ServiceError(_l("Give the reason for the extension (complexity or number of requests)."), field="reason")
    original = case.original_deadline(today)
    if today > original:
        raise ServiceError(
            _l("The original deadline has passed: an extension is no longer possible. "
               "The requester must be told of an extension before the original deadline.")
        )
    case.extended_on = today
    case.extension_reason = reason.strip()
    # The deadline moves only once the requester is told (correspondence.send of the extension notice).
    audit(case, actor, "extended", detail=case.extension_reason,
          before=original.isoformat(), after=case.extended_deadline(today).isoformat(), at=now)
    commit()
    return case


def close(
    case: Case, *, actor: User | None, status: str, note: str = "", answer_sent_on: date | None = None,
    expected_version=None, today=None, now=None,
) -> Case:
    """Close the case as resolved, refused, withdrawn, closed unverified or logged by mistake (rules.closing).

    Under the case's lock (services.lock_case): the rules are checked on the decisions and the answer as
    committed, and no decision or answer can slip in between the check and the commit."""
    with locked(case):
        today, now = moment(today, now)
        check_version(case, expected_version)
        require_open(case)
        if status not in CLOSE_STATUSES:
            raise ServiceError(_l("Choose how the case ends."), field="status")
        problems = rules.closing(case, status)
        if problems:
            raise ServiceError(problems[0].message, field="status")
        if status in rules.ANSWERED_STATUSES:
            answer = rules.current_answer(case)
            if answer_sent_on is not None and answer_sent_on < answer.sent_on:
                raise ServiceError(_l("The answer went out on %(date)s; the date cannot be earlier.",
                                      date=answer.sent_on.strftime("%d/%m/%Y")), field="answer_sent_on")
            answer_sent_on = answer_sent_on or answer.sent_on
        if status != "resolved" and not (note or "").strip():
            raise ServiceError(_l("Explain why the case is closed this way."), field="note")
        if answer_sent_on is not None:
            if answer_sent_on > today:
                raise ServiceError(_l("The date cannot be in the future."), field="answer_sent_on")
            if answer_sent_on < case.received_on:
                raise ServiceError(_l("The date cannot be before the request was received."),
                                   field="answer_sent_on")
        close_now(case, actor=actor, status=status, note=note, answer_sent_on=answer_sent_on, today=today, now=now)
        commit()
        return case


def close_now(case: Case, *, actor: User | None, status: str, note: str = "", answer_sent_on: date | None,
              today: date | None = None, now) -> None:
    """Close the case (already checked) inside the caller's unit of work; a running suspension ends today.

    The caller holds the case's lock (services.lock_case) since before it checked the rules."""
    if not holds_lock(case):
        raise RuntimeError("close_now: take the case's lock (services.lock_case) before checking the rules")
    today = today or moment(None, now)[0]
    running = next((s for s in case.suspensions if s.ended_on is None), None)
    if running is not None:
        running.ended_on = max(today, running.started_on)
        case.identity_requested_on = None
    before = case.status
    case.status = status
    case.answer_sent_on = answer_sent_on
    case.closing_note = (note or "").strip() or None
    case.closed_at = now
    case.close_on_delivery = None
    refresh_deadline(case)
    audit(case, actor, "closed", detail=audit_parts(answer_sent_on.isoformat() if answer_sent_on else "", case.closing_note),
          before=before, after=status, at=now)


def assign(case: Case, *, actor: User, assignee_id, expected_version=None, now=None) -> Case:
    """Give the case to a staff member (or to nobody)."""
    _, now = moment(None, now)
    check_version(case, expected_version)
    require_open(case)
    assignee = _active_user(assignee_id)
    if assignee == case.assignee:
        return case
    before = case.assignee.name if case.assignee else None
    case.assignee = assignee
    audit(case, actor, "assigned", before=before, after=assignee.name if assignee else None, at=now)
    reminders.tell_assignee(case, assignee, actor, now=now)
    commit()
    return case

"""Demo data: a living register of realistic cases, each replayed through the services on past dates.

Every case is opened and worked by the same service functions staff use, with `today` set to the
day each step happened, so every case obeys the legal rules and has a real audit trail.
Deterministic for a given --seed and --today; running it again adds more cases.
"""
import io
import random
import secrets
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select

from caseflow import clock
from caseflow.demo.data import (
    ASK_NOTES,
    CHANNEL_WEIGHTS,
    CLOSE_NOTES,
    CLOSERS,
    DEMO_STAFF,
    DEMO_TOKEN,
    DOMAINS,
    ENDINGS,
    EXTEND_REASONS,
    FATES,
    FIRST_NAMES,
    GBA,
    LAST_NAMES,
    METHODS,
    OPENERS,
    REQUEST_TEXTS,
    RIGHT_WEIGHTS,
    STREETS,
    TOWNS,
    Plan,
    slug,
)
from caseflow.extensions import db
from caseflow.legal import checklists as checklist
from caseflow.legal import deadlines
from caseflow.legal.rights import DISCLOSING_OUTCOMES, REFUSAL_CODES_FOR
from caseflow.letters import packages
from caseflow.letters import service as correspondence
from caseflow.models import Case, User
from caseflow.security import users as user_service
from caseflow.services import cases as svc
from caseflow.services import resolution


def _plan(rng: random.Random, i: int, today: date) -> Plan:
    """One request as it arrived; the first cases cycle through fates, channels and rights so all occur."""
    fate = FATES[i] if i < len(FATES) else rng.choices(FATES, [f.weight for f in FATES])[0]
    channel = list(CHANNEL_WEIGHTS)[i] if i < 3 else rng.choices(*zip(*CHANNEL_WEIGHTS.items()))[0]
    first = list(RIGHT_WEIGHTS)[i] if i < 7 else rng.choices(*zip(*RIGHT_WEIGHTS.items()))[0]
    rights = [first] + rng.sample([r for r in RIGHT_WEIGHTS if r != first], rng.choice((0, 0, 0, 1, 1, 2)))
    received = today - timedelta(days=rng.randint(fate.min_age, fate.max_age))
    logged = min(today, deadlines.roll(received) + timedelta(days=rng.randint(0, 1)))
    given, family = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    name = f"{given} {family}"
    email = f"{slug(given)}.{slug(family)}{rng.choice(('', '', rng.randint(1, 99)))}@{rng.choice(DOMAINS)}"
    address = f"{rng.choice(STREETS)} {rng.randint(1, 180)}\n{rng.choice(TOWNS)}"
    keep_email, keep_address = {"email": (1, .4), "registered_letter": (.5, 1), "other": (.7, .8)}[channel]
    email = email if rng.random() < keep_email else None
    address = address if rng.random() < keep_address or not email else None
    customer = f"LS{rng.randint(10000, 99999)}" if rng.random() < .6 else None
    body = " ".join(rng.choice(REQUEST_TEXTS[r]) for r in rights)
    text = f"{rng.choice(OPENERS[channel])}\n\n{body}\n\n{rng.choice(CLOSERS)}\n{name}"
    return Plan(fate, channel, received, logged, rights, name, email, address, customer, text)


class _Stamper:
    """The story's clock: each step happens at office hours on its day, after the previous step, never past now."""

    def __init__(self, rng, today):
        self.rng, self.moment = rng, None
        self.limit = min(clock.now(), datetime.combine(today, time(23, 59), clock.BRUSSELS))

    def at(self, day: date) -> date:
        """Move the story's clock to office hours on `day`, after the previous step, never past now."""
        start = datetime.combine(day, time(8, 30), clock.BRUSSELS)
        moment = start + min(timedelta(hours=8), max(timedelta(0), self.limit - start)) * self.rng.random()
        if self.moment and self.moment >= moment:  # a later step on the same day
            moment = self.moment + min(timedelta(minutes=self.rng.randint(2, 40)), (self.limit - self.moment) / 2)
        self.moment = min(self.limit, moment)
        return day


def _replay(plan: Plan, staff: list, rng: random.Random, today: date, stamp: _Stamper):
    """Tell one case's story through the services, each step on its own (past) day."""
    stamp.moment = None
    fate, day = plan.fate, stamp.at(plan.logged_on)
    if fate.status == "refused" and not any("manifestly_unfounded" in REFUSAL_CODES_FOR[r] for r in plan.rights):
        fate = fate._replace(status="withdrawn")  # withdrawing consent alone is never refused (Art. 7(3))
    assignee = None if fate.key == "new" and rng.random() < .5 else rng.choice(staff)
    actor = assignee or staff[0]
    case = svc.open_case(actor=rng.choice(staff), notify=False, form_token=f"{DEMO_TOKEN}{uuid.uuid4().hex}",
                         channel=plan.channel, received_on=plan.received_on,
                         requester_name=plan.name, rights=plan.rights, requester_email=plan.email,
                         requester_address=plan.address, customer_number=plan.customer, request_text=plan.text,
                         assignee_id=assignee.id if assignee else None, today=day, now=stamp.moment)

    def later(lo, hi):
        return stamp.at(min(today, day + timedelta(days=rng.randint(lo, hi))))

    if fate.status == "new":
        return case
    if rng.random() < fate.ask:
        day = later(0, 3)
        svc.request_identity(case, actor=actor, note=rng.choice(ASK_NOTES), today=day, now=stamp.moment)
        correspondence.send_as_drafted(case, "identity_request", actor=actor, today=day, now=stamp.moment,
                                       delivered=True)  # demo history: it went out back then, never for real
        if fate.status in ("awaiting_identity", "closed_unverified"):
            if fate.status == "closed_unverified":
                day = later(31, 40)
                svc.close(case, actor=actor, status=fate.status, note=CLOSE_NOTES[fate.status][0], today=day, now=stamp.moment)
            return case
        day = later(2, 12)
        check, method = rng.choice(METHODS[1:])
        svc.record_identity(case, actor=actor, check=check, method=method, today=day, now=stamp.moment)
    elif fate.status not in ("refused", "withdrawn"):
        day = later(0, 2)
        check, method = METHODS[0] if plan.email else METHODS[1]
        svc.record_identity(case, actor=actor, check=check, method=method, today=day, now=stamp.moment)
    if fate.status in ("refused", "withdrawn"):
        day = later(1, 10)
        for right in case.rights if fate.status == "refused" else ():
            if "manifestly_unfounded" in REFUSAL_CODES_FOR[right.right]:
                resolution.set_outcome(case, right.id, actor=actor, outcome="refused", refusal_code="manifestly_unfounded",
                                reason=CLOSE_NOTES["refused"][0] + GBA, now=stamp.moment)
            else:  # a withdrawal of consent is never refused: nothing to stop for a request made in bad faith
                resolution.set_outcome(case, right.id, actor=actor, outcome="not_applicable",
                                reason="Geen verwerking op basis van toestemming gevonden.", now=stamp.moment)
        if fate.status == "refused":
            _send_answer(case, actor, day, stamp.moment)
        svc.close(case, actor=actor, status=fate.status, note=rng.choice(CLOSE_NOTES[fate.status]),
                  today=day, now=stamp.moment)
        return case
    if rng.random() < fate.extend and day <= case.original_deadline(day):
        day = stamp.at(min(today, day + timedelta(days=rng.randint(1, 6)), case.original_deadline(day)))
        svc.extend(case, actor=actor, reason=rng.choice(EXTEND_REASONS), today=day, now=stamp.moment)
        correspondence.send_as_drafted(case, "extension_notice", actor=actor, today=day, now=stamp.moment,
                                       delivered=True)
    endings = {r.right: rng.choices(ENDINGS[r.right], [e.weight for e in ENDINGS[r.right]])[0] for r in case.rights}
    total = sum(len(ending.actions) for ending in endings.values())
    budget = rng.randint(0, total - 1) if fate.status == "in_progress" else total  # work left undone
    for right in case.rights:
        ending = endings[right.right]
        for system, what in ending.actions:
            if budget == 0:
                break
            budget, day = budget - 1, later(0, 4)
            resolution.record_action(case, right.id, actor=actor, system=system, description=what, today=day, now=stamp.moment)
        else:  # every action for this right is done: work its checklist, then decide it
            if ending.outcome in DISCLOSING_OUTCOMES:
                _work_checklist(case, right, actor, rng, later(0, 2), stamp.moment, ending.outcome)
            resolution.set_outcome(case, right.id, actor=actor, outcome=ending.outcome,
                            refusal_code=ending.refusal_code, reason=ending.reason, now=stamp.moment)
    if fate.status == "resolved":
        day = later(0, 2)
        _send_answer(case, actor, day, stamp.moment)
        svc.close(case, actor=actor, status="resolved", today=day,
                  note="Antwoord aangetekend verstuurd." if plan.channel == "registered_letter" else "", now=stamp.moment)
    return case


def _send_answer(case, actor, day, now):
    """The answer as drafted, with the exported data where it gives a copy; recorded as gone out back then."""
    if correspondence.sends_copy(case):
        export = f'{{"klant": "{case.requester_name}", "bestellingen": []}}\n'.encode()
        packages.add_files(case, [("webshop-export.json", io.BytesIO(export))], actor=actor, now=now)
    correspondence.send_as_drafted(case, "answer", actor=actor, today=day, now=now, delivered=True)


def _work_checklist(case, right, actor, rng, day, now, outcome=None):
    """Tick each open checklist line; a newsletter line is sometimes not applicable (not subscribed), and
    nothing is kept back (no invoices) for a right that ends fully granted."""
    for item, action in checklist.state(right):
        if action is None:
            if item.keeps_data and outcome == "granted":
                na, note = True, ("De verbetering raakt geen facturen." if right.right == "rectification"
                                  else "Geen facturen: de klant heeft nooit iets besteld.")
            else:
                na = item.system == "mailchimp" and rng.random() < .5
                note = "Niet ingeschreven op de nieuwsbrief." if na else ""
            resolution.record_action(case, right.id, actor=actor, system=item.system, description=item.nl,
                              checklist_item=item.key, not_applicable=na, note=note, today=day, now=now)


def demo_staff(echo) -> list:
    """The active staff as actors; on an empty installation, three demo accounts (passwords printed once)."""
    users = list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.email)))
    if users:
        echo(f"Using {len(users)} existing staff account(s) as case handlers.")
        return users
    for email, name, admin in DEMO_STAFF:
        password = secrets.token_urlsafe(12)  # 16 random characters: passes the password rule
        users.append(user_service.create_user(email=email, name=name, password=password, is_admin=admin))
        echo(f"Created demo {'administrator' if admin else 'staff member'} {name} <{email}>, password: {password}")
    return users


def seed_cases(count: int, *, seed: int, today: date, echo=print) -> list:
    """Create `count` cases received in the 120 days up to `today`, oldest first; return them."""
    rng = random.Random(seed)  # nosec B311  # repeatable demo data, not security
    staff = demo_staff(echo)
    plans = sorted((_plan(rng, i, today) for i in range(count)), key=lambda p: (p.logged_on, p.received_on))
    stamp = _Stamper(rng, today)
    cases = [_replay(plan, staff, rng, today, stamp) for plan in plans]
    _escalate_quietly(cases, today, at=stamp.limit)
    return cases


def _escalate_quietly(cases: list, today: date, at: datetime) -> None:
    """Put the demo cases on their rung of the ladder at once, as the daily job would have, without mailing anyone:
    the day's escalate run may already have happened before the demo was seeded."""
    from caseflow.jobs.open_cases import level_of
    from caseflow.services import audit

    for case in cases:
        level = level_of(case, today) if case.is_open else None
        if level and case.escalation_level != level:
            audit(case, None, "escalated", before=case.escalation_level, after=level, at=at)
            case.escalation_level, case.escalated_on = level, today
    db.session.commit()


def real_case_count() -> int:
    """Cases not made by `demo seed`."""
    return db.session.scalar(select(func.count(Case.id)).where(
        or_(Case.form_token.is_(None), Case.form_token.not_like(f"{DEMO_TOKEN}%"))))

"""Deciding a right, sending the answer and closing the case never cross (issue 18).

Two colleagues press their buttons at the same moment, many times over: real concurrent requests, each thread with
its own test client (its own session and database connection), started together by a barrier. Whoever wins, the
case, its answer and its trail agree afterwards: the rules hold on what was committed
(caseflow.legal.rules.closed_case), every answer sent tells the outcomes the trail records at the moment it was
sent, and a case ends resolved only after an answer that tells the decisions as they stand.
Runs on SQLite (the default) and on PostgreSQL (CASEFLOW_SQLALCHEMY_DATABASE_URI).
"""
import re
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest

from caseflow import clock
from caseflow.extensions import db
from caseflow.legal import rules
from caseflow.legal.rights import REMEDY_OUTCOMES
from caseflow.letters import drafting
from caseflow.letters import service as correspondence
from caseflow.models import Case, User
from caseflow.services import ServiceError, closing, locked, resolution
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case, work_checklists
from tests.fixtures.users import PASSWORD, make_user

ROUNDS = 20
RIGHTS = ("restriction", "consent_withdrawal")
REFUSAL = {"outcome": "refused", "refusal_code": "no_ground",
           "reason": "Geen van de vier gronden van artikel 18 is van toepassing."}
SAYS = drafting.WORDING["nl"]["outcomes"]  # outcome -> the word after "Beslissing:" in a Dutch answer


@pytest.fixture
def staff(app, fast_sqlite):
    """An Peeters (who answers and closes) and Piet Maes (the security review, who decides), each in a browser."""
    people = {}
    for email, name in (("an@labelstudio.be", "An Peeters"), ("piet@labelstudio.be", "Piet Maes")):
        user = make_user(email, name)
        browser = app.test_client()
        assert browser.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
        people[name.split()[0].lower()] = (user.id, browser)
    return people


def _race(app, *calls):
    """Run the calls at the same moment, each in its own thread with its own app context (session, connection)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[i] = call()
            except Exception as error:  # noqa: BLE001 - reported below
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    return results


def _decided_case(actor_id, *, answered=False, delivered=True):
    """Both rights worked and granted; with `answered`, the answer sent (and delivered, unless told otherwise)."""
    actor = db.session.get(User, actor_id)
    today = clock.today()
    case = open_case(actor, channel="email", requester_address=None, rights=RIGHTS,
                     received_on=today - timedelta(days=3), today=today)
    svc.record_identity(case, actor=actor, method="mail van het klantaccount", today=today)
    work_checklists(case, actor, today=today)
    for right in case.rights:
        resolution.set_outcome(case, right.id, actor=actor, outcome="granted")
    if answered:
        correspondence.send_as_drafted(case, "answer", actor=actor, today=today)
        if delivered:
            correspondence.deliver_outbox()
    db.session.expire_all()
    return db.session.get(Case, case.id)


def _committed(case_id) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case_id)


def _decide(browser, case, *, version, delay=0.0):
    """Piet's request refusing the restriction (after `delay` seconds: the other side gets a head start)."""
    restriction = case.rights[0]

    def post():
        time.sleep(delay)
        return browser.post(f"/cases/{case.id}/rights/{restriction.id}/outcome",
                            data={"version": version, **REFUSAL}).status_code
    return post


def _told(letter) -> list[str]:
    """The outcome word the letter gives each right, in the case's order."""
    return re.findall(r"^Beslissing: (.+)$", letter.body, re.M)


def _trail_outcomes_before(case, event_id) -> list:
    """Each right's outcome as the trail records it just before the event `event_id`."""
    outcome = {r.right: None for r in case.rights}
    for e in case.events:
        if e.id < event_id and e.action == "outcome_set":
            outcome[e.detail.split(" | ")[0]] = e.after.split("\n")[0]
        if e.id < event_id and e.action == "outcome_cleared":
            outcome[e.detail.split(" | ")[0]] = None
    return [outcome[r.right] for r in case.rights]


def _case_answer_and_trail_agree(case) -> None:
    """The oracle after each round."""
    assert rules.closed_case(case) == []
    events = case.events
    assert [e.id for e in events] == sorted(e.id for e in events)
    times = [clock.as_utc(e.created_at) for e in events]
    assert times == sorted(times), "the trail's times must follow the order in which the changes committed"
    answers = [x for x in case.letters if x.kind == "answer"]
    sent = [e for e in events if e.action == "letter_sent" and e.detail.startswith("answer")]
    assert len(answers) == len(sent)
    for letter, sent_event in zip(answers, sent, strict=True):
        said = _trail_outcomes_before(case, sent_event.id)
        assert _told(letter) == [SAYS[o] for o in said], "the answer tells what the register said when it went out"
        remedies = any(o in REMEDY_OUTCOMES for o in said)
        assert (drafting.GBA["website"] in letter.body and "rechter" in letter.body) == remedies
    current = rules.current_answer(case)
    if current is not None:  # the answer the register counts tells the decisions as they stand now
        assert _told(current) == [SAYS[r.outcome] for r in case.rights]
    if case.status in rules.ANSWERED_STATUSES:
        assert current is not None and current.delivered
        closed = next(e for e in reversed(events) if e.action == "closed")
        assert _trail_outcomes_before(case, closed.id) == [r.outcome for r in case.rights]


def _chain_intact(app) -> None:
    """The audit events were chained in the order their changes committed (`flask audit verify`)."""
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_deciding_a_right_and_closing_the_case_at_once_never_cross(app, staff):
    """Piet refuses the restriction while An closes the answered case as resolved: exactly one of them wins."""
    (an_id, an), (_, piet) = staff["an"], staff["piet"]
    won = Counter()
    for _ in range(ROUNDS):
        case = _decided_case(an_id, answered=True)
        close_form = {"version": case.version, "status": "resolved", "note": "",
                      "answer_sent_on": case.answer_sent_on.isoformat()}
        decide_status, close_status = _race(
            app, _decide(piet, case, version=case.rights[0].version),
            lambda case=case, form=close_form: an.post(f"/cases/{case.id}/close", data=form).status_code)
        assert {decide_status, close_status} <= {302, 422}
        case = _committed(case.id)
        refused, closed = case.rights[0].outcome == "refused", not case.is_open
        assert refused != closed, "exactly one of the two may win"
        if closed:
            won["close"] += 1
            assert case.status == "resolved" and close_status == 302
            assert [r.outcome for r in case.rights] == ["granted", "granted"]
        else:
            won["decision"] += 1
            assert close_status == 422  # the answer told "granted": it no longer tells the decisions
            assert rules.current_answer(case) is None
        _case_answer_and_trail_agree(case)
    print(f"\ndecision vs close, {ROUNDS} rounds: {dict(won)}")
    _chain_intact(app)


def test_deciding_a_right_and_sending_the_answer_at_once_never_cross(app, staff):
    """Piet refuses the restriction while An sends the answer she drafted when both rights were granted."""
    (an_id, an), (_, piet) = staff["an"], staff["piet"]
    an_user = db.session.get(User, an_id)
    won = Counter()
    for _ in range(ROUNDS):
        case = _decided_case(an_id)
        drafted = correspondence.draft(case, "answer", locale="nl", sender_name="An Peeters", today=clock.today())
        answer_form = {"version": case.version, "decisions": resolution.decisions_stamp(case),
                       "subject": drafted.subject, "body": drafted.body}
        decide_status, answer_status = _race(
            app, _decide(piet, case, version=case.rights[0].version),
            lambda case=case, form=answer_form: an.post(f"/cases/{case.id}/letters/new?kind=answer",
                                                        data=form).status_code)
        assert decide_status == 302 and answer_status in (302, 422)
        case = _committed(case.id)
        assert case.rights[0].outcome == "refused"  # the answer never stops a decision
        answers = [x for x in case.letters if x.kind == "answer"]
        if answers:  # the answer went first and told "granted"; the refusal after it needs a new answer
            won["answer"] += 1
            assert answer_status == 302 and len(answers) == 1
            assert rules.current_answer(case) is None
            assert clock.as_utc(answers[0].created_at) < clock.as_utc(case.rights[0].outcome_at)
        else:  # the decision went first: the answer drafted before it is stale
            won["decision"] += 1
            assert answer_status == 422
        _case_answer_and_trail_agree(case)
        with pytest.raises(ServiceError):  # and the case cannot end resolved on an answer that said "granted"
            svc.close(case, actor=an_user, status="resolved")
        db.session.rollback()
    print(f"\ndecision vs answer, {ROUNDS} rounds: {dict(won)}")
    _chain_intact(app)


def test_deciding_a_right_while_the_mail_job_closes_on_delivery_never_cross(app, staff):
    """"Close once delivered" was asked; Piet refuses the restriction as the mail job delivers the answer."""
    (an_id, _), (_, piet) = staff["an"], staff["piet"]
    won = Counter()
    for i in range(ROUNDS // 2):
        case = _decided_case(an_id, answered=True, delivered=False)
        closing.close_when_delivered(case, actor=db.session.get(User, an_id))
        case = _committed(case.id)
        # delivering comes before the closing step: a head start for the mail job in later rounds
        decide_status, _report = _race(app, _decide(piet, case, version=case.rights[0].version, delay=0.002 * i),
                                       correspondence.deliver_outbox)
        assert decide_status in (302, 422)
        case = _committed(case.id)
        refused, closed = case.rights[0].outcome == "refused", not case.is_open
        assert refused != closed
        won["decision" if refused else "mail job"] += 1
        if refused:  # the email was on its way already; the case waits for an answer that tells the refusal
            assert case.close_on_delivery is None
            assert [e.action for e in case.events][-1] == "close_on_delivery_dropped"
        _case_answer_and_trail_agree(case)
    print(f"\ndecision vs closing on delivery, {ROUNDS // 2} rounds: {dict(won)}")
    _chain_intact(app)


def test_colleagues_deciding_different_rights_at_the_same_moment_both_succeed(app, staff):
    """The case's lock puts two decisions one after the other; neither is refused (each has its own version)."""
    (an_id, an), (_, piet) = staff["an"], staff["piet"]
    for _ in range(ROUNDS // 2):
        case = _decided_case(an_id)
        restriction, consent = case.rights
        statuses = _race(
            app, _decide(piet, case, version=restriction.version),
            lambda case=case, right=consent: an.post(f"/cases/{case.id}/rights/{right.id}/outcome", data={
                "version": right.version, "outcome": "not_applicable",
                "reason": "Geen verwerking op basis van toestemming."}).status_code)
        assert statuses == [302, 302]
        case = _committed(case.id)
        assert [r.outcome for r in case.rights] == ["refused", "not_applicable"]
        assert [e.action for e in case.events][-2:] == ["outcome_set", "outcome_set"]
        _case_answer_and_trail_agree(case)
    _chain_intact(app)


def test_a_decision_waits_while_the_case_is_being_closed_and_then_sees_it_closed(app, staff):
    """The lock itself, without luck: closing holds it a while; Piet's decision waits, then finds the case closed."""
    (an_id, _), (_, piet) = staff["an"], staff["piet"]
    case = _decided_case(an_id, answered=True)
    held, done = threading.Event(), {}

    def close_slowly():
        case_ = db.session.get(Case, case.id)
        with locked(case_):
            done["held"] = time.monotonic()
            held.set()
            time.sleep(0.5)  # a slow close: the rules checked, not yet committed
            svc.close(case_, actor=db.session.get(User, an_id), status="resolved")

    def decide_when_held():
        held.wait(timeout=10)
        status = _decide(piet, case, version=case.rights[0].version)()
        done["decided"] = time.monotonic()
        return status

    _race(app, close_slowly, decide_when_held)
    case = _committed(case.id)
    assert done["decided"] - done["held"] >= 0.5  # it waited for the close to commit...
    assert case.status == "resolved" and [r.outcome for r in case.rights] == ["granted", "granted"]  # ...saw it
    _case_answer_and_trail_agree(case)

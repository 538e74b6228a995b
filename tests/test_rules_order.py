"""The rules hold whatever the order (issue 8, item 0): every order of tick / decide / verify / answer / close, per
right, and no case that ends closed breaks a rule. The services are called directly, as the views do."""
import io
from datetime import date
from itertools import permutations

import pytest

from caseflow.clock import as_utc
from caseflow.legal import checklists, rules
from caseflow.legal.rights import DISCLOSING_OUTCOMES
from caseflow.letters import packages
from caseflow.letters import service as correspondence
from caseflow.services import ServiceError, resolution
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user

TODAY = date(2026, 3, 6)
STEPS = ("tick", "decide", "verify", "answer", "close")

# Per right: the decision staff take, and the checklist lines they mark not applicable (the rest is ticked).
# Several are chosen to clash with a line ticked in some orders: a refused or "not applicable" objection with the
# newsletter line ticked (Art. 21(3)); "granted" with a line that records data kept (invoices: partially granted).
SCENARIOS = {
    "access": (dict(outcome="granted"), ("search_mailchimp",)),
    "rectification": (dict(outcome="granted"), ()),  # invoicing_unchanged keeps data: granted cannot hold
    "erasure": (dict(outcome="partially_granted", refusal_code="legal_retention",
                     reason="Facturen blijven tien jaar bewaard."), ()),
    "restriction": (dict(outcome="granted"), ()),
    "objection/refused": (dict(outcome="refused", refusal_code="compelling_grounds",
                               reason="Lopend geschil over een bestelling."), ("stop_processing",)),
    "objection/not_applicable": (dict(outcome="not_applicable", reason="Geen bezwaar tegen een verwerking."),
                                 ("stop_processing",)),
    "portability": (dict(outcome="granted"), ("export_mailchimp",)),
    "consent_withdrawal": (dict(outcome="granted"), ("analytics_consent",)),
}


def _attempt(step):
    try:
        step()
    except ServiceError:
        pass  # a refused step is fine: the rules said no


def _steps(case, actor, decision, not_applicable):
    right = case.rights[0]

    def tick():
        done = {a.checklist_item for a in right.actions}
        for item in checklists.items_for(right.right):
            if item.key in done or item.done_by_answer:
                continue
            na = item.key in not_applicable
            _attempt(lambda: resolution.record_action(
                case, right.id, actor=actor, system=item.system, description=item.nl, checklist_item=item.key,
                not_applicable=na, note="Niet van toepassing" if na else "", today=TODAY))

    def decide():
        resolution.set_outcome(case, right.id, actor=actor, **decision)

    def verify():
        svc.record_identity(case, actor=actor, check="account", method="e-mail van de account", today=TODAY)

    def answer():
        if correspondence.sends_copy(case) and not case.package_files:
            packages.add_files(case, [("export.json", io.BytesIO(b'{"naam": "Jan"}'))], actor=actor)
        correspondence.send_as_drafted(case, "answer", actor=actor, today=TODAY)
        correspondence.deliver_outbox()

    def close():
        try:
            svc.close(case, actor=actor, status="resolved", today=TODAY)
        except ServiceError:
            svc.close(case, actor=actor, status="refused", note="Geweigerd", today=TODAY)

    return {"tick": tick, "decide": decide, "verify": verify, "answer": answer, "close": close}


def _broken(case) -> list[str]:
    """The rules checked by hand, apart from caseflow.legal.rules: what a closed case must never show."""
    right = case.rights[0]
    ticked = {a.checklist_item for a in right.actions if a.checklist_item and not a.not_applicable}
    wrong = []
    if right.outcome is None:
        wrong.append("no outcome")
    if right.outcome in DISCLOSING_OUTCOMES and case.identity_verified_on is None:
        wrong.append("disclosed before the identity was verified")
    if right.right == "objection" and "direct_marketing" in ticked and right.outcome not in DISCLOSING_OUTCOMES:
        wrong.append("objection to direct marketing not granted")
    kept = {i.key for i in checklists.items_for(right.right) if i.keeps_data}
    if right.outcome == "granted" and ticked & kept:
        wrong.append("granted although data were kept")
    if right.outcome in DISCLOSING_OUTCOMES and {a.checklist_item for a in right.actions} != {
            i.key for i in checklists.items_for(right.right)}:
        wrong.append("checklist not done")
    answers = [x for x in case.letters if x.kind == "answer" and x.delivered and not x.failed]
    if not answers or as_utc(answers[-1].created_at) < as_utc(right.outcome_at):
        wrong.append("no answer sent after the decision")
    return wrong + [str(p) for p in rules.closed_case(case)]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_closed_case_breaks_a_rule_whatever_the_order(fast_sqlite, scenario):
    actor = make_user()
    decision, not_applicable = SCENARIOS[scenario]
    key = scenario.split("/")[0]
    closed = []
    for order in permutations(STEPS):
        case = open_case(actor, rights=(key,), channel="email")
        steps = _steps(case, actor, decision, not_applicable)
        for name in order:
            _attempt(steps[name])
        if not case.is_open:
            assert _broken(case) == [], (order, case.status)
            closed.append(order)
    # the rules refuse what breaks them, not everything: the natural order does close the case (unless the decision
    # can never hold once the checklist is done, as a refused objection to the newsletter)
    natural = ("verify", "tick", "decide", "answer", "close")
    never = {"rectification", "objection/refused", "objection/not_applicable"}
    assert (natural in closed) == (scenario not in never), closed[:3]


def test_a_later_tick_invalidates_a_decision_and_blocks_answer_and_closing(app):
    """The issue's story: "not applicable" saved before the newsletter line was ticked must not go out."""
    actor = make_user()
    case = open_case(actor, rights=("objection",), channel="email")
    objection = case.rights[0]
    svc.record_identity(case, actor=actor, check="account", method="e-mail", today=TODAY)
    resolution.set_outcome(case, objection.id, actor=actor, outcome="not_applicable", reason="Geen bezwaar.")
    for item in checklists.items_for("objection"):
        resolution.record_action(case, objection.id, actor=actor, system=item.system, description=item.nl,
                                 checklist_item=item.key, today=TODAY)
    assert "objection" in rules.invalid_decisions(case)
    with pytest.raises(ServiceError):
        correspondence.send_as_drafted(case, "answer", actor=actor, today=TODAY)
    with pytest.raises(ServiceError) as err:
        svc.close(case, actor=actor, status="resolved", today=TODAY)
    assert "21, lid 3" in str(err.value.message)
    resolution.set_outcome(case, objection.id, actor=actor, outcome="granted")  # decided again: it holds
    assert rules.invalid_decisions(case) == {}
    correspondence.send_as_drafted(case, "answer", actor=actor, today=TODAY)
    correspondence.deliver_outbox()
    svc.close(case, actor=actor, status="resolved", today=TODAY)
    assert case.status == "resolved" and rules.closed_case(case) == []

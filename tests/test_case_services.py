"""The case workflows: every transition, and every refusal of an illegal one."""
from datetime import date

import pytest
from sqlalchemy import func, select

from caseflow.extensions import db
from caseflow.legal import rules
from caseflow.letters import service as correspondence
from caseflow.models import AuditEvent, Case, ImmutableAuditError
from caseflow.services import ServiceError, StaleCaseError, resolution
from caseflow.services import cases as svc
from tests.fixtures.cases import extend_and_tell, open_case, send_answer, work_checklists
from tests.fixtures.users import make_user

D = date.fromisoformat


@pytest.fixture
def actor(app):
    return make_user()


def actions(case):
    return [e.action for e in case.events]


def test_open_case_assigns_reference_deadline_and_audit(actor):
    case = open_case(actor, received_on=D("2026-03-05"), rights=("erasure", "access"))
    assert case.reference == "DSR-2026-0001"
    assert case.status == "new"
    assert case.deadline == D("2026-04-07")
    assert case.right_keys == ["access", "erasure"]  # in the order of the privacy statement
    assert actions(case) == ["case_opened"]


def test_references_count_per_year(actor):
    refs = [open_case(actor, received_on=d, today=D("2027-01-05")).reference
            for d in (D("2026-12-30"), D("2026-12-31"), D("2027-01-04"))]
    assert refs == ["DSR-2026-0001", "DSR-2026-0002", "DSR-2027-0001"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"received_on": D("2026-03-06")}, "received_on"),  # tomorrow
        ({"rights": ()}, "rights"),
        ({"rights": ("happiness",)}, "rights"),
        ({"requester_email": None, "requester_address": "  "}, "requester_email"),
        ({"channel": "pigeon"}, "channel"),
        ({"requester_name": "  "}, "requester_name"),
    ],
)
def test_open_case_refuses_bad_input_and_writes_nothing(actor, change, field):
    with pytest.raises(ServiceError) as err:
        open_case(actor, today=D("2026-03-05"), **change)
    assert err.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(func.count(Case.id))) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_open_case_refuses_inactive_assignee(actor):
    gone = make_user("gone@labelstudio.be", "Oud Collega", active=False)
    with pytest.raises(ServiceError) as err:
        open_case(actor, assignee_id=gone.id)
    assert err.value.field == "assignee_id"


def test_identity_suspension_moves_the_deadline(actor):
    # docs/architecture.md §2: received 2 March, identity asked 3 March, answer 10 March -> 9 April.
    case = open_case(actor, received_on=D("2026-03-02"), today=D("2026-03-02"))
    assert case.deadline == D("2026-04-02")
    svc.request_identity(case, actor=actor, asked_on=D("2026-03-03"), today=D("2026-03-03"))
    assert case.status == "awaiting_identity"
    assert case.is_suspended
    # while waiting, the deadline moves one day for every day of waiting
    assert case.current_deadline(D("2026-03-08")) == D("2026-04-07")
    svc.record_identity(case, actor=actor, method="kopie identiteitskaart gecontroleerd en vernietigd",
                        received_on=D("2026-03-10"), today=D("2026-03-11"))
    assert case.status == "in_progress"
    assert case.suspended_days() == 7
    assert case.deadline == D("2026-04-09")
    assert actions(case) == ["case_opened", "identity_requested", "identity_verified", "deadline_changed"]
    changed = case.events[-1]
    assert (changed.before, changed.after) == ("2026-04-02", "2026-04-09")


def test_several_suspensions_add_up(actor):
    case = open_case(actor, received_on=D("2026-03-02"), today=D("2026-03-02"))
    svc.request_identity(case, actor=actor, asked_on=D("2026-03-03"), today=D("2026-03-03"))
    svc.record_identity(case, actor=actor, method="account e-mail", received_on=D("2026-03-06"), today=D("2026-03-06"))
    svc.request_identity(case, actor=actor, asked_on=D("2026-03-09"), note="verduidelijking gevraagd",
                         today=D("2026-03-09"))
    svc.record_identity(case, actor=actor, method="antwoord ontvangen", received_on=D("2026-03-13"),
                        today=D("2026-03-13"))
    assert case.suspended_days() == 3 + 4
    assert case.deadline == D("2026-04-09")


def test_identity_rules(actor):
    case = open_case(actor, received_on=D("2026-03-02"), today=D("2026-03-02"))
    with pytest.raises(ServiceError):
        svc.request_identity(case, actor=actor, asked_on=D("2026-03-01"), today=D("2026-03-03"))  # before receipt
    with pytest.raises(ServiceError):
        svc.request_identity(case, actor=actor, asked_on=D("2026-03-04"), today=D("2026-03-03"))  # future
    svc.request_identity(case, actor=actor, asked_on=D("2026-03-03"), today=D("2026-03-03"))
    with pytest.raises(ServiceError):
        svc.request_identity(case, actor=actor, asked_on=D("2026-03-04"), today=D("2026-03-04"))  # already waiting
    with pytest.raises(ServiceError) as err:
        svc.record_identity(case, actor=actor, method="  ", today=D("2026-03-04"))
    assert err.value.field == "method"
    with pytest.raises(ServiceError) as err:
        svc.record_identity(case, actor=actor, method="ok", received_on=D("2026-03-02"), today=D("2026-03-04"))
    assert err.value.field == "received_on"  # before it was asked


def test_identity_verified_without_asking_keeps_the_deadline(actor):
    case = open_case(actor, received_on=D("2026-03-05"))
    svc.record_identity(case, actor=actor, method="e-mailadres komt overeen met account", today=D("2026-03-05"))
    assert case.status == "in_progress"
    assert case.deadline == D("2026-04-07")
    assert "deadline_changed" not in actions(case)


def test_extension_once_with_reason_before_the_original_deadline(actor):
    case = open_case(actor, received_on=D("2026-03-05"))
    with pytest.raises(ServiceError) as err:
        svc.extend(case, actor=actor, reason=" ", today=D("2026-03-20"))
    assert err.value.field == "reason"
    svc.extend(case, actor=actor, reason="Complex: gegevens in vijf systemen", today=D("2026-04-07"))
    assert case.extended
    event = case.events[-1]
    assert (event.action, event.before, event.after) == ("extended", "2026-04-07", "2026-06-05")
    # Art. 12(3): the extension counts once the requester is told, before the original deadline.
    assert case.deadline == D("2026-04-07") and case.current_deadline(D("2026-04-07")) == D("2026-04-07")
    draft = correspondence.draft(case, "extension_notice", locale="nl", sender_name="An", today=D("2026-04-07"))
    correspondence.send(case, actor=actor, kind="extension_notice", locale="nl", subject=draft.subject,
                        body=draft.body, today=D("2026-04-07"))
    assert case.deadline == D("2026-06-05") and case.current_deadline(D("2026-04-08")) == D("2026-06-05")
    in_force = case.events[-1]  # the trail says when the extension started to count
    assert (in_force.action, in_force.before, in_force.after) == ("extension_in_force", "2026-04-07", "2026-06-05")
    with pytest.raises(ServiceError):
        svc.extend(case, actor=actor, reason="nog eens", today=D("2026-04-10"))


def test_extension_refused_after_the_original_deadline(actor):
    case = open_case(actor, received_on=D("2026-03-05"))
    with pytest.raises(ServiceError) as err:
        svc.extend(case, actor=actor, reason="te laat", today=D("2026-04-08"))
    assert "niet meer mogelijk" in str(err.value.message)
    assert not case.extended


def test_extension_counts_suspended_days(actor):
    case = open_case(actor, received_on=D("2026-03-02"), today=D("2026-03-02"))
    svc.request_identity(case, actor=actor, asked_on=D("2026-03-03"), today=D("2026-03-03"))
    svc.record_identity(case, actor=actor, method="ok", received_on=D("2026-03-10"), today=D("2026-03-10"))
    # original deadline is 9 April thanks to the suspension, so 8 April is still in time
    extend_and_tell(case, actor, reason="veel verzoeken", today=D("2026-04-08"))
    assert case.deadline == D("2026-06-09")


def test_an_extension_nobody_was_told_about_does_not_count(actor):
    case = open_case(actor, received_on=D("2026-03-05"))
    svc.extend(case, actor=actor, reason="Complex verzoek", today=D("2026-03-20"))
    assert case.current_deadline(D("2026-04-08")) == D("2026-04-07")  # the original deadline stands
    assert case.days_left(D("2026-04-08")) == -1
    with pytest.raises(ServiceError) as err:  # and the notice can no longer go out
        extend_and_tell_late = correspondence.draft(case, "extension_notice", locale="nl", sender_name="An",
                                                    today=D("2026-04-08"))
        correspondence.send(case, actor=actor, kind="extension_notice", locale="nl",
                            subject=extend_and_tell_late.subject, body=extend_and_tell_late.body, today=D("2026-04-08"))
    assert "te laat" in str(err.value.message)


def test_record_action_starts_work_and_is_audited(actor):
    case = open_case(actor, rights=("erasure",))
    right = case.rights[0]
    resolution.record_action(case, right.id, actor=actor, system="webshop", description="Account verwijderd in webshop",
                      performed_on=D("2026-03-06"), today=D("2026-03-06"))
    assert case.status == "in_progress"
    assert [a.description for a in right.actions] == ["Account verwijderd in webshop"]
    assert actions(case) == ["case_opened", "status_changed", "action_recorded"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"system": "myspace"}, "system"),
        ({"description": " "}, "description"),
        ({"performed_on": D("2026-03-07")}, "performed_on"),
        ({"performed_on": D("2026-03-04")}, "performed_on"),
    ],
)
def test_record_action_refusals(actor, change, field):
    case = open_case(actor)
    values = dict(system="webshop", description="Gezocht", performed_on=D("2026-03-06"), today=D("2026-03-06"))
    values.update(change)
    with pytest.raises(ServiceError) as err:
        resolution.record_action(case, case.rights[0].id, actor=actor, **values)
    assert err.value.field == field


def test_outcomes_need_reasons_and_verified_identity(actor):
    case = open_case(actor, rights=("access", "erasure"))
    access, erasure = case.rights
    with pytest.raises(ServiceError) as err:
        resolution.set_outcome(case, access.id, actor=actor, outcome="granted")
    assert "identiteit" in str(err.value.message)
    with pytest.raises(ServiceError) as err:
        resolution.set_outcome(case, erasure.id, actor=actor, outcome="refused", reason="Bewaarplicht")
    assert err.value.field == "refusal_code"
    with pytest.raises(ServiceError) as err:
        resolution.set_outcome(case, erasure.id, actor=actor, outcome="refused", refusal_code="legal_retention")
    assert err.value.field == "reason"
    with pytest.raises(ServiceError) as err:  # Art. 12(4): the requester is told why nothing is done
        resolution.set_outcome(case, erasure.id, actor=actor, outcome="not_applicable", reason="  ")
    assert err.value.field == "reason" and erasure.outcome is None
    resolution.set_outcome(case, erasure.id, actor=actor, outcome="not_applicable", reason="geen gegevens gevonden")
    assert erasure.outcome == "not_applicable"
    svc.record_identity(case, actor=actor, method="ok", today=D("2026-03-06"))
    resolution.set_outcome(case, access.id, actor=actor, outcome="granted")
    resolution.set_outcome(case, erasure.id, actor=actor, outcome="partially_granted", refusal_code="legal_retention",
                    reason="Factuurgegevens bewaard: fiscale bewaarplicht (art. 17(3)(b) AVG)")
    assert (erasure.outcome, erasure.refusal_code) == ("partially_granted", "legal_retention")
    outcome_events = [e for e in case.events if e.action == "outcome_set"]
    # The trail keeps each outcome with the reasons given, before and after: a changed refusal stays visible.
    assert [(e.before, e.after) for e in outcome_events] == [
        (None, "not_applicable\ngeen gegevens gevonden"), (None, "granted"),
        ("not_applicable\ngeen gegevens gevonden",
         "partially_granted\nFactuurgegevens bewaard: fiscale bewaarplicht (art. 17(3)(b) AVG)")]


def test_resolve_requires_all_outcomes_and_answer_date(actor):
    case = open_case(actor, rights=("access", "objection"))
    svc.record_identity(case, actor=actor, method="ok", today=D("2026-03-06"))
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="granted")
    with pytest.raises(ServiceError) as err:
        svc.close(case, actor=actor, status="resolved", answer_sent_on=D("2026-03-10"), today=D("2026-03-10"))
    assert "Elk recht heeft een beslissing nodig" in str(err.value.message)
    resolution.set_outcome(case, case.rights[1].id, actor=actor, outcome="granted")
    with pytest.raises(ServiceError) as err:
        svc.close(case, actor=actor, status="resolved", answer_sent_on=D("2026-03-10"), today=D("2026-03-10"))
    assert "checklist" in str(err.value.message)
    work_checklists(case, actor, today=D("2026-03-10"))
    with pytest.raises(ServiceError) as err:  # a date typed in is not an answer: the answer itself is kept
        svc.close(case, actor=actor, status="resolved", answer_sent_on=D("2026-03-10"), today=D("2026-03-10"))
    assert err.value.field == "status" and "antwoord" in str(err.value.message)
    send_answer(case, actor, today=D("2026-03-09"))
    svc.close(case, actor=actor, status="resolved", today=D("2026-03-10"))
    assert case.status == "resolved" and not case.is_open
    assert case.answer_sent_on == D("2026-03-09")  # the date the answer went out
    assert case.events[-1].action == "closed"
    with pytest.raises(ServiceError):
        resolution.record_action(case, case.rights[0].id, actor=actor, system="webshop", description="x",
                          today=D("2026-03-11"))


def test_close_other_ways_need_a_note(actor):
    case = open_case(actor)
    with pytest.raises(ServiceError) as err:
        svc.close(case, actor=actor, status="withdrawn", today=D("2026-03-06"))
    assert err.value.field == "note"
    svc.close(case, actor=actor, status="withdrawn", note="Verzoeker trekt verzoek in per mail", today=D("2026-03-06"))
    assert case.status == "withdrawn"


def test_close_unverified_ends_the_suspension(actor):
    case = open_case(actor, received_on=D("2026-03-02"), today=D("2026-03-02"))
    svc.request_identity(case, actor=actor, asked_on=D("2026-03-03"), today=D("2026-03-03"))
    svc.close(case, actor=actor, status="closed_unverified", note="Geen antwoord na 30 dagen", today=D("2026-04-03"))
    assert case.status == "closed_unverified"
    assert not case.is_suspended


def test_closed_unverified_refused_when_identity_verified(actor):
    case = open_case(actor)
    svc.record_identity(case, actor=actor, method="ok", today=D("2026-03-06"))
    with pytest.raises(ServiceError):
        svc.close(case, actor=actor, status="closed_unverified", note="x", today=D("2026-03-06"))


def test_assign_and_reassign(actor):
    colleague = make_user("piet@labelstudio.be", "Piet Maes")
    case = open_case(actor)
    svc.assign(case, actor=actor, assignee_id=colleague.id)
    svc.assign(case, actor=actor, assignee_id=None)
    assert case.assignee is None
    assert [(e.before, e.after) for e in case.events if e.action == "assigned"] == [(None, "Piet Maes"),
                                                                                   ("Piet Maes", None)]


def test_stale_version_is_refused(actor):
    case = open_case(actor)
    seen = case.version
    svc.assign(case, actor=actor, assignee_id=actor.id)
    assert case.version > seen
    with pytest.raises(StaleCaseError):
        svc.extend(case, actor=actor, reason="r", expected_version=seen, today=D("2026-03-06"))
    assert not case.extended


def test_concurrent_write_through_another_session_is_detected(app, actor):
    """Two staff members load the same case; the second write fails instead of overwriting."""
    case = open_case(actor)
    other = db.session.get(Case, case.id)
    # simulate a colleague's committed change behind our back
    with db.engine.begin() as conn:
        conn.execute(Case.__table__.update().where(Case.__table__.c.id == case.id).values(version=other.version + 1))
    with pytest.raises(StaleCaseError):
        svc.extend(case, actor=actor, reason="r", today=D("2026-03-06"))
    db.session.expire_all()
    assert db.session.get(Case, case.id).extended_on is None


def test_audit_events_cannot_be_edited_or_deleted(actor):
    case = open_case(actor)
    event = case.events[0]
    event.detail = "vervalst"
    with pytest.raises(ImmutableAuditError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(ImmutableAuditError):
        db.session.commit()


def test_refusal_codes_must_fit_the_right(actor):
    case = open_case(actor, rights=("access", "objection"))
    access, objection = case.rights
    with pytest.raises(ServiceError) as err:
        resolution.set_outcome(case, access.id, actor=actor, outcome="refused", refusal_code="compelling_grounds",
                        reason="Dwingende gronden")
    assert err.value.field == "refusal_code"
    resolution.set_outcome(case, objection.id, actor=actor, outcome="refused", refusal_code="compelling_grounds",
                    reason="Lopende geschillenprocedure over een bestelling")
    assert objection.refusal_code == "compelling_grounds"


def test_objection_to_direct_marketing_is_never_refused(actor):
    case = open_case(actor, rights=("objection",))
    objection = case.rights[0]
    svc.record_identity(case, actor=actor, method="ok", today=D("2026-03-06"))
    resolution.record_action(case, objection.id, actor=actor, system="mailchimp", description="Uitgeschreven",
                      checklist_item="direct_marketing", today=D("2026-03-06"))
    with pytest.raises(ServiceError) as err:
        resolution.set_outcome(case, objection.id, actor=actor, outcome="refused", refusal_code="compelling_grounds",
                        reason="Wij blijven mailen")
    assert "artikel 21, lid 3" in str(err.value.message).lower() and objection.outcome is None
    # Other processing may still be refused in part: the newsletter stops, the rest goes on.
    resolution.set_outcome(case, objection.id, actor=actor, outcome="partially_granted", refusal_code="compelling_grounds",
                    reason="Uitgeschreven voor de nieuwsbrief; de levering van uw lopende bestelling gaat door.")
    assert objection.outcome == "partially_granted"


@pytest.mark.parametrize("outcome, code", [("refused", "compelling_grounds"), ("not_applicable", None)])
def test_a_decided_objection_cannot_hide_a_direct_marketing_objection(actor, outcome, code):
    case = open_case(actor, rights=("objection",))
    objection = case.rights[0]
    svc.record_identity(case, actor=actor, method="ok", today=D("2026-03-06"))
    resolution.set_outcome(case, objection.id, actor=actor, outcome=outcome, refusal_code=code,
                           reason="Lopend geschil over een bestelling.")
    # stopping the newsletter never waits: the line can be ticked afterwards...
    resolution.record_action(case, objection.id, actor=actor, system="mailchimp", description="Uitgeschreven",
                             checklist_item="direct_marketing", today=D("2026-03-06"))
    # ...and the earlier decision no longer holds: no answer, no closing until it is decided again
    invalid = rules.invalid_decisions(case)
    assert [p.code for p in invalid["objection"]] == ["direct_marketing_refused"]
    assert any("artikel 21, lid 3" in str(m).lower() for m in correspondence.problems(case, "answer", today=D("2026-03-06")))
    with pytest.raises(ServiceError) as err:
        correspondence.send_as_drafted(case, "answer", actor=actor, today=D("2026-03-06"))
    with pytest.raises(ServiceError) as err:
        svc.close(case, actor=actor, status="refused", note="Geweigerd", answer_sent_on=D("2026-03-06"),
                  today=D("2026-03-06"))
    assert "artikel 21, lid 3" in str(err.value.message).lower() and case.is_open


def test_identity_not_verified_is_no_reason_once_it_is_verified(actor):
    case = open_case(actor, rights=("access",))
    svc.record_identity(case, actor=actor, method="kopie eID", today=D("2026-03-06"))
    with pytest.raises(ServiceError) as err:
        resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="refused", refusal_code="identity_not_verified",
                        reason="Identiteit niet vastgesteld.")
    assert err.value.field == "refusal_code" and case.rights[0].outcome is None


def test_verifying_the_identity_withdraws_a_refusal_for_unverified_identity(actor):
    case = open_case(actor, rights=("consent_withdrawal", "access"))
    withdrawal, access = (next(r for r in case.rights if r.right == key) for key in ("consent_withdrawal", "access"))
    resolution.set_outcome(case, withdrawal.id, actor=actor, outcome="refused", refusal_code="identity_not_verified",
                    reason="Geen identiteitsbewijs ontvangen.")
    resolution.set_outcome(case, access.id, actor=actor, outcome="not_applicable", reason="Geen klant bij ons.")
    svc.record_identity(case, actor=actor, method="kopie eID", today=D("2026-03-06"))
    # the refusal's ground is gone: the right must be decided anew, and the answer waits for it
    assert (withdrawal.outcome, withdrawal.refusal_code, withdrawal.outcome_reason) == (None, None, None)
    assert access.outcome == "not_applicable"
    event = case.events[-1]
    assert event.action == "outcome_cleared" and event.detail == "consent_withdrawal | identity_not_verified"
    assert "Geen identiteitsbewijs ontvangen." in event.before
    assert correspondence.problems(case, "answer", today=D("2026-03-06"))
    with pytest.raises(ServiceError):
        svc.close(case, actor=actor, status="resolved", answer_sent_on=D("2026-03-06"), today=D("2026-03-06"))


def test_withdrawal_of_consent_is_refused_only_for_unverified_identity(actor):
    case = open_case(actor, rights=("consent_withdrawal",))
    right = case.rights[0]
    for code in ("no_data", "manifestly_unfounded", "other"):
        with pytest.raises(ServiceError) as err:
            resolution.set_outcome(case, right.id, actor=actor, outcome="refused", refusal_code=code, reason="x")
        assert err.value.field == "refusal_code"
    resolution.set_outcome(case, right.id, actor=actor, outcome="refused", refusal_code="identity_not_verified",
                    reason="Geen antwoord op onze vraag om een identiteitsbewijs.")
    assert right.outcome == "refused"


def test_checklist_lines_that_change_data_wait_for_the_identity(actor):
    case = open_case(actor, rights=("erasure",))
    erasure = case.rights[0]
    with pytest.raises(ServiceError) as err:
        resolution.record_action(case, erasure.id, actor=actor, system="webshop", description="Account verwijderd",
                          checklist_item="delete_account", today=D("2026-03-06"))
    assert "identiteit" in str(err.value.message) and not erasure.actions
    with pytest.raises(ServiceError):  # nor are Sisow, PayPal or Bpost told to erase anything yet
        resolution.record_action(case, erasure.id, actor=actor, system="other", description="Sisow verwittigd",
                          checklist_item="inform_recipients", today=D("2026-03-06"))
    # Checking which ground applies changes nothing, and a line can be marked not applicable.
    resolution.record_action(case, erasure.id, actor=actor, system="other", description="Grond nagegaan",
                      checklist_item="check_ground", today=D("2026-03-06"))
    resolution.record_action(case, erasure.id, actor=actor, system="mailchimp", description="Niet ingeschreven",
                      checklist_item="remove_mailchimp", not_applicable=True, note="Nooit ingeschreven",
                      today=D("2026-03-06"))
    svc.record_identity(case, actor=actor, method="ok", today=D("2026-03-06"))
    resolution.record_action(case, erasure.id, actor=actor, system="webshop", description="Account verwijderd",
                      checklist_item="delete_account", today=D("2026-03-06"))
    assert [a.checklist_item for a in erasure.actions] == ["check_ground", "remove_mailchimp", "delete_account"]


def test_refusing_the_case_as_a_whole_needs_refused_rights(actor):
    case = open_case(actor, rights=("access", "consent_withdrawal"))
    access, consent = case.rights
    close = dict(actor=actor, status="refused", note="Zesde identiek verzoek", answer_sent_on=D("2026-03-10"),
                 today=D("2026-03-10"))
    with pytest.raises(ServiceError) as err:
        svc.close(case, **close)
    assert err.value.field == "status" and case.is_open
    resolution.set_outcome(case, consent.id, actor=actor, outcome="not_applicable", reason="Geen toestemming gegeven")
    with pytest.raises(ServiceError):
        svc.close(case, **close)  # nothing refused yet
    resolution.set_outcome(case, access.id, actor=actor, outcome="refused", refusal_code="manifestly_unfounded",
                    reason="Zesde identiek verzoek in twee maanden (art. 12(5) AVG).")
    with pytest.raises(ServiceError):
        svc.close(case, **close)  # the refusal was not sent yet
    send_answer(case, actor, today=D("2026-03-10"))
    svc.close(case, **close)
    assert case.status == "refused"

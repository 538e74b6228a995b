"""Letters say what happened, and only that: the newsletter sentence once unsubscribing was done, no old names."""
from datetime import date

import pytest

from caseflow.letters import drafting as letters
from caseflow.services import cases as svc
from caseflow.services import resolution
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user

TODAY = date(2026, 3, 5)
NEWSLETTER = "U bent uitgeschreven voor onze nieuwsbrief en krijgt geen reclame meer van ons."


@pytest.fixture
def actor(app):
    return make_user()


def _answer(case, locale="nl"):
    return letters.render("answer", letters.context_for(case, today=TODAY, sender_name="An Peeters"), locale).body


def _worked(actor, right, ticked, na=()):
    case = open_case(actor, rights=(right,), today=TODAY, received_on=TODAY)
    svc.record_identity(case, actor=actor, method="mail van het klantaccount", today=TODAY)
    case_right = case.rights[0]
    for key in ticked:
        resolution.tick(case, case_right.id, key, actor=actor, today=TODAY)
    for key in na:
        resolution.tick(case, case_right.id, key, actor=actor, not_applicable=True, note="Geen abonnee", today=TODAY)
    resolution.set_outcome(case, case_right.id, actor=actor, outcome="granted")
    return case


@pytest.mark.parametrize("right, line", [("objection", "direct_marketing"),
                                         ("consent_withdrawal", "unsubscribe_mailchimp"),
                                         ("erasure", "remove_mailchimp")])
def test_the_newsletter_sentence_only_when_the_requester_was_unsubscribed(actor, right, line):
    assert NEWSLETTER in _answer(_worked(actor, right, [line]))
    other = make_user("piet@labelstudio.be", "Piet Maes")
    assert NEWSLETTER not in _answer(_worked(other, right, [], na=[line]))


def test_the_english_letter_says_the_same(actor):
    body = _answer(_worked(actor, "objection", ["direct_marketing"]), "en")
    assert "You have been unsubscribed from our newsletter and will no longer receive advertising from us." in body


def test_no_old_names_or_asides_in_a_refusal(actor):
    case = open_case(actor, rights=("erasure",), today=TODAY, received_on=TODAY)
    svc.record_identity(case, actor=actor, method="ok", today=TODAY)
    resolution.set_outcome(case, case.rights[0].id, actor=actor, outcome="refused", refusal_code="no_ground",
                           reason="Lopende bestelling.")
    body = _answer(case)
    assert "Commissie voor de Bescherming" not in body and "vroegere" not in body
    assert "kunt u een klacht indienen bij de Gegevensbeschermingsautoriteit:" in body
    assert "Labelstudio CommV" in body and "belastingdienst" not in body.lower()

"""Letters to the requester: every kind renders for every right, outcome and refusal code, in Dutch and English."""
import os
from datetime import date, datetime

import pytest
from jinja2 import UndefinedError

from caseflow.clock import BRUSSELS
from caseflow.legal.rights import OUTCOMES, REFUSAL_CODES, REFUSAL_CODES_FOR, RIGHTS
from caseflow.letters import drafting as letters
from caseflow.letters import service as correspondence
from caseflow.services import cases as svc
from caseflow.services import resolution
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user

D = date.fromisoformat
RECEIVED, VERIFIED, TODAY = D("2026-03-05"), D("2026-03-06"), D("2026-03-20")
NOW = datetime(2026, 3, 20, 10, 15, tzinfo=BRUSSELS)
ADDRESS = "Kerkstraat 12\n2960 Brecht"
REASON = "Uw facturen van 2025 en 2026 blijven bewaard zolang de fiscale bewaartermijn loopt."

# Every outcome; "refused" with every refusal code; None: no decision yet (a preview before deciding).
VARIANTS = [("granted", None), ("partially_granted", "legal_retention"), ("not_applicable", None)]
VARIANTS += [("refused", code) for code in REFUSAL_CODES] + [(None, None)]
COMPLAINT = {"nl": "U kunt ook naar de rechter stappen", "en": "seek a judicial remedy before the courts"}
DATES = {"nl": ("5 maart 2026", "7 april 2026"), "en": ("5 March 2026", "7 April 2026")}


@pytest.fixture
def actor(app):
    return make_user()


def worked_case(actor, outcome=None, code=None, *, rights=tuple(RIGHTS), channel="email", reason=REASON):
    """A case opened, its identity verified and every right decided, through the real services."""
    case = open_case(actor, rights=rights, channel=channel, received_on=RECEIVED, today=RECEIVED,
                     requester_address=ADDRESS)
    if code != "identity_not_verified":
        svc.record_identity(case, actor=actor, method="kopie identiteitskaart, gecontroleerd en vernietigd",
                            received_on=VERIFIED, today=VERIFIED, now=NOW)
    if outcome:
        for right in case.rights:
            resolution.set_outcome(case, right.id, actor=actor, outcome=outcome, refusal_code=code, reason=reason, now=NOW)
    return case


def letter(case, kind, locale, today=TODAY):
    return letters.render(kind, letters.context_for(case, today=today, sender_name="An Peeters"), locale)


@pytest.mark.parametrize("locale", letters.LOCALES)
@pytest.mark.parametrize("outcome, code", VARIANTS)
def test_every_kind_renders_for_every_right_and_outcome(actor, locale, outcome, code):
    case = worked_case(actor, outcome, code, rights=tuple(r for r in RIGHTS if code in REFUSAL_CODES_FOR[r] + (None,)))
    words = letters.WORDING[locale]
    for kind in letters.KINDS:
        subject, body = letter(case, kind, locale)
        assert case.reference in subject and case.reference in body
        assert "None" not in body and "Undefined" not in body
        assert "An Peeters" in body and "Labelstudio CommV" in body
        assert DATES[locale][0] in body
    for kind in ("acknowledgement", "answer"):
        body = letter(case, kind, locale).body.lower()
        for key in case.right_keys:
            assert words["rights"][key][0].lower() in body and words["rights"][key][1].lower() in body
    body = letter(case, "answer", locale).body
    assert body.count(words["outcomes"][outcome]) >= len(case.rights)
    refusing = outcome in ("refused", "partially_granted")
    no_action = outcome == "not_applicable"  # Art. 12(4): no action on a right also comes with the remedies
    assert (COMPLAINT[locale] in body) == (refusing or no_action)
    assert (REASON in body) == bool(outcome)
    if refusing:
        assert "Drukpersstraat 35" in body and "www.gegevensbeschermingsautoriteit.be" in body
        for key in case.right_keys:
            assert (words["refusals"].get(f"{key}.{code}") or words["refusals"][code]) in body
    if outcome is not None:
        assert "[" not in body  # no placeholder left for staff to fill in


def test_outcomes_and_codes_of_the_app_all_have_wording():
    for words in letters.WORDING.values():
        assert set(words["rights"]) == set(RIGHTS)
        assert set(words["outcomes"]) == set(OUTCOMES) | {None}
        assert set(REFUSAL_CODES) <= set(words["refusals"])


def test_partially_refused_erasure_keeps_invoices_and_gives_complaint_information(actor):
    case = worked_case(actor, "partially_granted", "legal_retention", rights=("erasure",))
    subject, body = letter(case, "answer", "nl")
    assert subject == f"Antwoord op uw verzoek – dossier {case.reference}"
    assert "Beslissing: gedeeltelijk ingewilligd" in body
    assert "tien jaar te bewaren (fiscale wetgeving)" in body
    assert "(artikel 17, lid 3, b), AVG)" in body
    assert REASON in body
    # Art. 19: the letter says the recipients were told only once staff ticked that they were.
    assert "artikel 19 AVG" not in body
    resolution.record_action(case, case.rights[0].id, actor=actor, system="other", description="Sisow en Bpost verwittigd",
                      checklist_item="inform_recipients", today=TODAY)
    subject, body = letter(case, "answer", "nl")
    assert "op de hoogte gebracht (artikel 19 AVG)" in body
    for line in ("Gegevensbeschermingsautoriteit", "Drukpersstraat 35", "1000 Brussel", "contact@apd-gba.be",
                 "www.gegevensbeschermingsautoriteit.be"):
        assert f"    {line}\n" in body
    assert "U kunt ook naar de rechter stappen (artikel 12, lid 4, en artikel 79 AVG)." in body
    assert body.rstrip().endswith("An Peeters\nvoor Labelstudio CommV\nRommersheide K 15, 2960 Brecht\ninfo@labelstudio.be")
    english = letter(case, "answer", "en").body
    assert "(Article 17(3)(b) GDPR)" in english and "Drukpersstraat 35" in english
    assert "You also have the right to seek a judicial remedy before the courts (Article 12(4) and Article 79 GDPR)." in english


@pytest.mark.parametrize("locale, expected", [
    ("nl", ("Sisow en PayPal", "Bpost", "Mailchimp", "partners die het gebruik van onze website analyseren",
            "tien jaar", "tot u zich uitschrijft", "Van uzelf", "klacht indienen bij de Gegevensbeschermingsautoriteit",
            "(artikel 20 AVG)", "(artikel 7, lid 3, AVG)")),
    ("en", ("Sisow and PayPal", "Bpost", "Mailchimp", "partners who analyse the use of our website", "ten years",
            "until you unsubscribe", "From you", "Belgian Data Protection Authority", "(Article 20 GDPR)")),
])
def test_access_answer_gives_the_article_15_information(actor, locale, expected):
    case = worked_case(actor, "granted", rights=("access",))
    body = letter(case, "answer", locale).body
    for text in expected:
        assert text in body
    assert COMPLAINT[locale] not in body  # nothing refused: no complaint paragraph
    refused = worked_case(actor, "refused", "no_data", rights=("access",))
    assert "Sisow" not in letter(refused, "answer", locale).body


def test_acknowledgement_gives_received_date_deadline_and_identity_notice(actor):
    case = open_case(actor, rights=("access", "erasure"), received_on=RECEIVED, today=RECEIVED)
    body = letter(case, "acknowledgement", "nl", today=RECEIVED).body
    assert "goed ontvangen op 5 maart 2026" in body
    assert "uiterlijk op 7 april 2026 (uiterste antwoorddatum" in body
    assert "identiteitsbewijs" in body
    assert "U kunt ons schrijven" in body and "op deze e-mail" not in body  # a registered letter
    assert "by 7 April 2026 at the latest" in letter(case, "acknowledgement", "en", today=RECEIVED).body
    assert "twee maanden verlengen" in body and "uiterlijk op 7 april 2026 weten" in body


def test_a_late_acknowledgement_offers_no_extension_and_is_held_back(actor):
    case = open_case(actor, rights=("access",), received_on=RECEIVED, today=RECEIVED)
    late = D("2026-04-08")  # the day after the deadline of 7 April
    body = letter(case, "acknowledgement", "nl", today=late).body
    assert "verlengen" not in body  # an extension must be told before the original deadline: too late now
    problems = [str(p) for p in correspondence.problems(case, "acknowledgement", today=late)]
    assert any("07/04/2026" in p and "voorbij" in p for p in problems)
    assert correspondence.problems(case, "acknowledgement", today=D("2026-04-07")) == []


def test_identity_request_explains_the_suspension_and_how_to_reply(actor):
    case = open_case(actor, rights=("access",), channel="email", received_on=D("2026-03-02"), today=D("2026-03-02"))
    svc.request_identity(case, actor=actor, asked_on=D("2026-03-03"), today=D("2026-03-03"), now=NOW)
    subject, body = letter(case, "identity_request", "nl", today=D("2026-03-03"))
    assert subject.startswith("Vraag om bevestiging van uw identiteit")  # no ID card asked: see below
    assert "staat stil vanaf 3 maart 2026 tot de dag waarop wij uw antwoord ontvangen" in body
    assert "De uiterste antwoorddatum was 2 april 2026 en schuift op met het aantal dagen dat de termijn stilstaat" in body
    # written days later, the letter still gives the date the suspended days are added to: never counted twice
    assert "antwoorddatum was 2 april 2026" in letter(case, "identity_request", "nl", today=D("2026-03-09")).body
    assert "artikel 12, lid 6, AVG" in body
    # the lightest proof by default (the identity ladder): no identity card asked
    assert "bestellingen" in body and "identiteitskaart is niet nodig" in body and "rijksregisternummer" not in body
    assert "op deze e-mail antwoorden" in body
    assert "Labelstudio CommV, Rommersheide K 15, 2960 Brecht" in body and "info@labelstudio.be" in body
    english = letter(case, "identity_request", "en", today=D("2026-03-03")).body
    assert "card is not needed" in english and "suspended from 3 March 2026 until" in english
    svc.record_identity(case, actor=actor, method="kopie identiteitskaart", received_on=D("2026-03-10"),
                        today=D("2026-03-10"), now=NOW)
    assert letter(case, "identity_request", "nl", today=D("2026-03-12")).subject.startswith("Vraag om verduidelijking")


def test_extension_notice_gives_reason_and_new_deadline(actor):
    case = worked_case(actor, rights=("access", "portability"))
    svc.extend(case, actor=actor, reason="Uw verzoek betreft gegevens uit vijf systemen over tien jaar.",
               today=TODAY, now=NOW)
    body = letter(case, "extension_notice", "nl").body
    assert "Uw verzoek betreft gegevens uit vijf systemen over tien jaar." in body
    assert "met twee maanden (artikel 12, lid 3, AVG)" in body
    assert "uiterlijk op 7 april 2026" in body and "De nieuwe uiterste antwoorddatum is 5 juni 2026." in body
    assert "The new deadline is 5 June 2026." in letter(case, "extension_notice", "en").body
    # The answer gives the deadline in force: the extended one only once the requester was told of it.
    assert "uiterste antwoorddatum 7 april 2026" in letter(case, "answer", "nl").body
    correspondence.send(case, actor=actor, kind="extension_notice", locale="nl", subject="Verlenging", body=body,
                        today=TODAY, now=NOW)
    assert "uiterste antwoorddatum 5 juni 2026" in letter(case, "answer", "nl").body


def test_context_is_a_plain_dict_labelled_in_its_language(actor):
    case = worked_case(actor, "refused", "compelling_grounds", rights=("objection",))
    context = letters.context_for(case, today=TODAY, sender_name="An Peeters", locale="en")
    assert context["received_on"] == RECEIVED and context["deadline"] == D("2026-04-07")
    assert context["rights"] == [{
        "key": "objection", "outcome": "refused", "refusal_code": "compelling_grounds", "reason": REASON,
        "refused": True, "remedies": True, "recipients_informed": False, "ticked": [], "label": "the right to object",
        "article": "Article 21 GDPR", "outcome_text": "refused",
        "refusal_text": letters.WORDING["en"]["refusals"]["compelling_grounds"],
    }]
    assert "het recht van bezwaar" in letters.render("answer", context, "nl").body.lower()  # render re-labels


def test_missing_variable_fails_instead_of_printing_nothing(actor):
    context = letters.context_for(worked_case(actor), today=TODAY, sender_name="An Peeters")
    del context["deadline"]
    with pytest.raises(UndefinedError):
        letters.render("acknowledgement", context, "nl")


def test_unknown_kind_or_language_is_refused(actor):
    context = letters.context_for(worked_case(actor), today=TODAY, sender_name="An Peeters")
    with pytest.raises(ValueError):
        letters.render("love_letter", context, "nl")
    with pytest.raises(ValueError):
        letters.render("answer", context, "fr")


def test_both_languages_have_the_same_templates():
    found = {locale: sorted(os.listdir(os.path.join(letters.TEMPLATES, locale))) for locale in letters.LOCALES}
    assert found["nl"] == found["en"]
    assert {f"{kind}.txt" for kind in letters.KINDS} <= set(found["nl"])

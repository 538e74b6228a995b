"""The letters Caseflow writes to a requester, filled from the case, so staff start from correct legal text."""
import os
import re
from datetime import date
from typing import NamedTuple

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from caseflow.legal.rights import REFUSING_OUTCOMES, REMEDY_OUTCOMES

KINDS = ("acknowledgement", "identity_request", "extension_notice", "answer")
LOCALES = ("nl", "en")
# Templates: templates/letters/<locale>/<kind>.txt. The first line is `Subject: <subject>` (in both
# languages), the rest is the body. Runs of blank lines are collapsed to one and trailing spaces dropped,
# so templates may use {% if %} blocks freely. Files starting with "_" are partials, not letter kinds.
# `context_for` gives the case as a plain dict (dates stay `date` objects, rights stay keys); `render`
# adds the wording below in the letter's language and formats dates as "25 november 2026".
TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "templates", "letters")

# The sender, as on Labelstudio's letterhead and in the privacy statement.
LABELSTUDIO = {
    "name": "Labelstudio CommV",
    "street": "Rommersheide K 15",
    "city": "2960 Brecht",
    "place": "Brecht",
    "vat": "BE0546 744 755",
    "email": "info@labelstudio.be",
    "website": "www.labelstudio.be",
}

# The Belgian supervisory authority, for every (partial) refusal (Art. 12(4), Art. 77).
GBA = {
    "nl": "Gegevensbeschermingsautoriteit",
    "en": "Belgian Data Protection Authority (Gegevensbeschermingsautoriteit)",
    "street": "Drukpersstraat 35",
    "city": "1000 Brussel",
    "email": "contact@apd-gba.be",
    "website": "www.gegevensbeschermingsautoriteit.be",
}

# Wording per locale: right -> (name in a sentence, article); outcome -> word; refusal code -> explanation.
# A refusal explanation keyed "<right>.<code>" replaces the general one for that right.
WORDING = {
    "nl": {
        "rights": {
            "access": ("het recht op inzage", "artikel 15 AVG"),
            "rectification": ("het recht op rectificatie of verbetering", "artikel 16 AVG"),
            "erasure": ("het recht op wissen of vergeten worden", "artikel 17 AVG"),
            "restriction": ("het recht op beperking van de verwerking", "artikel 18 AVG"),
            "objection": ("het recht van bezwaar", "artikel 21 AVG"),
            "portability": ("het recht op gegevensoverdraagbaarheid", "artikel 20 AVG"),
            "consent_withdrawal": ("het intrekken van uw toestemming", "artikel 7, lid 3, AVG"),
        },
        "outcomes": {
            "granted": "ingewilligd",
            "partially_granted": "gedeeltelijk ingewilligd",
            "refused": "geweigerd",
            "not_applicable": "niet van toepassing",
            None: "[nog geen beslissing vastgelegd]",
        },
        "refusals": {
            "legal_retention": "Wij zijn wettelijk verplicht bepaalde gegevens te bewaren. Facturatiegegevens "
            "(facturen en de bestel- en betalingsgegevens die erbij horen) moeten wij volgens de fiscale "
            "wetgeving tien jaar bewaren; in die periode kunnen zij niet gewijzigd of gewist worden. Wij "
            "gebruiken ze enkel nog om aan die verplichting te voldoen.",
            "erasure.legal_retention": "Wij zijn wettelijk verplicht uw facturatiegegevens (facturen en de "
            "bestel- en betalingsgegevens die erbij horen) tien jaar te bewaren (fiscale wetgeving). Het recht "
            "op wissen geldt niet voor zover de verwerking nodig is om een wettelijke verplichting na te komen "
            "(artikel 17, lid 3, b), AVG). Wij gebruiken die gegevens enkel nog om aan die verplichting te "
            "voldoen en wissen ze zodra de bewaartermijn verstreken is.",
            "rectification.legal_retention": "Een factuur is een boekhoudkundig stuk dat wij volgens de fiscale "
            "wetgeving tien jaar ongewijzigd moeten bewaren. Uw verbetering is wel doorgevoerd in uw account en "
            "geldt voor toekomstige bestellingen; uw aanvullende verklaring bewaren wij bij de betrokken facturen "
            "(artikel 16 AVG).",
            "compelling_grounds": "Wij hebben dwingende gerechtvaardigde gronden voor de verwerking die zwaarder "
            "wegen dan uw belangen, rechten en vrijheden, of de verwerking is nodig voor de instelling, "
            "uitoefening of onderbouwing van een rechtsvordering (artikel 21, lid 1, AVG).",
            "no_ground": "Geen van de wettelijke voorwaarden om dit recht uit te oefenen is in uw situatie vervuld.",
            "erasure.no_ground": "Geen van de gronden voor het recht op wissen is in uw situatie van toepassing. "
            "Dat recht geldt enkel in de vijf gevallen die onze privacyverklaring opsomt (artikel 17, lid 1, AVG).",
            "restriction.no_ground": "Geen van de gronden voor het recht op beperking is in uw situatie van "
            "toepassing. Dat recht geldt enkel in de vier gevallen die onze privacyverklaring opsomt (artikel 18, "
            "lid 1, AVG).",
            "portability.no_ground": "Dit recht geldt enkel voor persoonsgegevens die u zelf aan ons verstrekte en "
            "die wij geautomatiseerd verwerken op basis van uw toestemming of van een overeenkomst met u (artikel 20, "
            "lid 1, AVG). Voor de gevraagde gegevens is dat niet het geval.",
            "identity_not_verified": "Wij konden uw identiteit niet vaststellen. Zolang wij niet zeker weten dat "
            "u de betrokkene bent, mogen wij geen persoonsgegevens meedelen of wijzigen (artikel 12, lid 2 en "
            "lid 6, AVG). U kunt uw verzoek opnieuw indienen met een identiteitsbewijs.",
            "manifestly_unfounded": "Uw verzoek is kennelijk ongegrond of buitensporig (artikel 12, lid 5, AVG). "
            "Daarom geven wij er (voor dit deel) geen gevolg aan.",
            "no_data": "Wij hebben in onze systemen (webshop, bestellingen en facturen, nieuwsbrief, klantendienst) "
            "geen persoonsgegevens over u gevonden waarop dit verzoek betrekking heeft.",
            "other": "De reden leest u in de toelichting hieronder.",
        },
    },
    "en": {
        "rights": {
            "access": ("the right of access", "Article 15 GDPR"),
            "rectification": ("the right to rectification", "Article 16 GDPR"),
            "erasure": ("the right to erasure", "Article 17 GDPR"),
            "restriction": ("the right to restriction of processing", "Article 18 GDPR"),
            "objection": ("the right to object", "Article 21 GDPR"),
            "portability": ("the right to data portability", "Article 20 GDPR"),
            "consent_withdrawal": ("the withdrawal of your consent", "Article 7(3) GDPR"),
        },
        "outcomes": {
            "granted": "granted",
            "partially_granted": "partially granted",
            "refused": "refused",
            "not_applicable": "not applicable",
            None: "[no decision recorded yet]",
        },
        "refusals": {
            "legal_retention": "We are required by law to keep certain data. Under tax law, invoicing data "
            "(invoices and the order and payment data that belong to them) must be kept for ten years; during "
            "that period they cannot be changed or erased. We use them only to meet that obligation.",
            "erasure.legal_retention": "We are required by tax law to keep your invoicing data (invoices and the "
            "order and payment data that belong to them) for ten years. The right to erasure does not apply to "
            "the extent that processing is necessary for compliance with a legal obligation (Article 17(3)(b) "
            "GDPR). We use these data only to meet that obligation and erase them when the retention period ends.",
            "rectification.legal_retention": "An invoice is an accounting document that tax law requires us to "
            "keep unchanged for ten years. Your correction has been made in your account and applies to future "
            "orders; we keep your supplementary statement with the invoices concerned (Article 16 GDPR).",
            "compelling_grounds": "We have compelling legitimate grounds for the processing which override your "
            "interests, rights and freedoms, or the processing is necessary for the establishment, exercise or "
            "defence of legal claims (Article 21(1) GDPR).",
            "no_ground": "The legal conditions for exercising this right are not met in your situation.",
            "erasure.no_ground": "No ground for the right to erasure applies in your situation. That right "
            "applies only in the five cases listed in our privacy statement (Article 17(1) GDPR).",
            "restriction.no_ground": "No ground for the right to restriction applies in your situation. That "
            "right applies only in the four cases listed in our privacy statement (Article 18(1) GDPR).",
            "portability.no_ground": "This right applies only to personal data that you provided to us yourself "
            "and that we process by automated means on the basis of your consent or of a contract with you (Article "
            "20(1) GDPR). That is not the case for the data requested.",
            "identity_not_verified": "We could not verify your identity. As long as we are not certain that you "
            "are the person concerned, we may not disclose or change any personal data (Article 12(2) and (6) "
            "GDPR). You may submit your request again with proof of identity.",
            "manifestly_unfounded": "Your request is manifestly unfounded or excessive (Article 12(5) GDPR). "
            "We therefore do not act on it (for this part).",
            "no_data": "We found no personal data about you in our systems (web shop, orders and invoices, "
            "newsletter, customer service) to which this request relates.",
            "other": "The reason is explained below.",
        },
    },
}


class Rendered(NamedTuple):
    subject: str
    body: str


@pass_context
def _long_date(ctx, d: date | None) -> str:
    """25 november 2026 / 25 November 2026, in the letter's language."""
    return format_date(d, "d MMMM y", locale=ctx["locale"]) if d else ""


_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,  # nosec B701  # letters are plain text (an email's text part, a PDF); pages escape them
)
_env.filters["long_date"] = _long_date


def _localised(rights: list[dict], locale: str) -> list[dict]:
    """Each right with its name, article, outcome word and refusal explanation in `locale`."""
    if locale not in LOCALES:
        raise ValueError(f"unknown letter language: {locale!r}")
    words = WORDING[locale]
    out = []
    for r in rights:
        label, article = words["rights"][r["key"]]
        refusal = words["refusals"].get(f"{r['key']}.{r['refusal_code']}") or words["refusals"].get(r["refusal_code"], "")
        out.append({**r, "label": label, "article": article, "outcome_text": words["outcomes"][r["outcome"]],
                    "refusal_text": refusal if r["refused"] else ""})
    return out


# Words that start a Flemish or Dutch surname: "Jan Van den Broeck" is "heer Van den Broeck".
SURNAME_PARTICLES = {"van", "vanden", "vander", "de", "den", "der", "del", "della", "di", "da", "du", "le", "la",
                     "ter", "ten", "t", "'t", "op", "in", "d'"}
GREETINGS = {
    "nl": {"heer": "Geachte heer {surname}", "mevrouw": "Geachte mevrouw {surname}", None: "Beste {name}"},
    "en": {"heer": "Dear Mr {surname}", "mevrouw": "Dear Ms {surname}", None: "Dear {name}"},
}


def surname(name: str) -> str:
    """The family name in a full name: from its first particle on ("Van den Broeck"), else the last word."""
    words = (name or "").split()
    if len(words) < 2:
        return " ".join(words)
    start = next((i for i, w in enumerate(words[1:-1], 1) if w.casefold() in SURNAME_PARTICLES), len(words) - 1)
    return " ".join(words[start:])


def salutation(name: str, form: str | None, locale: str) -> str:
    """"Geachte heer Vermeulen", "Geachte mevrouw Claes", or, no form chosen, "Beste Sofie Claes" (and in English)."""
    pattern = GREETINGS[locale if locale in GREETINGS else "nl"].get(form or None, GREETINGS["nl"][None])
    return pattern.format(surname=surname(name), name=" ".join((name or "").split()))


def context_for(case, *, today: date, sender_name: str, locale: str = "nl") -> dict:
    """Everything a letter about `case` may say, as a plain dict (labels in `locale`; render re-labels)."""
    rights = [
        {
            "key": r.right,
            "outcome": r.outcome,
            "refusal_code": r.refusal_code or "",
            "reason": r.outcome_reason or "",
            "refused": r.outcome in REFUSING_OUTCOMES,
            # Art. 12(4): a refusal, or no action at all, comes with the right to complain and to go to court
            "remedies": r.outcome in REMEDY_OUTCOMES,
            # Art. 19: the letter says the recipients were told only when staff ticked that checklist line.
            "recipients_informed": any(a.checklist_item == "inform_recipients" and not a.not_applicable
                                       for a in r.actions),
            # what was really done, so the letter says only that: e.g. "unsubscribed" only once that line is ticked
            "ticked": sorted(a.checklist_item for a in r.actions if a.checklist_item and not a.not_applicable),
        }
        for r in case.rights
    ]
    return {
        "reference": case.reference,
        "received_on": case.received_on,
        "deadline": case.current_deadline(today),
        "original_deadline": case.original_deadline(today),
        "extended_deadline": case.extended_deadline(today),
        "extended": case.extended,
        "can_extend": not case.extended and today <= case.original_deadline(today),
        "extended_on": case.extended_on,
        "extension_reason": case.extension_reason or "",
        "suspended": case.is_suspended,
        "identity_requested_on": case.identity_requested_on or today,
        "deadline_when_asked": case.current_deadline(),  # without the running suspension: it moves from there
        "suspended_days": case.suspended_days(today),
        "identity_verified": case.identity_verified_on is not None,
        # the step of the identity ladder asked for: the letter asks for exactly that (never an ID card unless chosen)
        "identity_check": case.identity_check or "knowledge",
        "requester_name": case.requester_name,
        "requester_salutation": case.requester_salutation,
        "requester_email": case.requester_email or "",
        "requester_address": case.requester_address or "",
        "channel": case.channel,
        # an email whose sender could not be verified: the lightest proof is a reply from the account's address
        "ask_reply": (case.channel == "email" and case.sender_authenticated is False
                      and case.identity_verified_on is None and bool(case.requester_email)),
        "today": today,
        "sender_name": sender_name,
        "rights": _localised(rights, locale),
        "any_remedies": any(r["remedies"] for r in rights),
        "package_by_email": False,  # the answer's data package goes out as an encrypted ZIP (correspondence.draft)
    }


def _tidy(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _template(name: str, locale: str):
    if locale not in LOCALES:
        raise ValueError(f"unknown letter language: {locale!r}")
    return _env.get_template(f"{locale}/{name}.txt")


def render(kind: str, context: dict, locale: str) -> Rendered:
    """The letter of `kind` for the case in `context`, in `locale` ("nl" or "en")."""
    if kind not in KINDS:
        raise ValueError(f"unknown letter kind: {kind!r}")
    variables = {**context, "rights": _localised(context["rights"], locale), "locale": locale,
                 "labelstudio": LABELSTUDIO, "gba": GBA,
                 "salutation": salutation(context["requester_name"], context.get("requester_salutation"), locale)}
    first, _, body = _template(kind, locale).render(variables).partition("\n")
    if not first.startswith("Subject:"):
        raise ValueError(f"{locale}/{kind}.txt must start with a 'Subject:' line")
    return Rendered(first.removeprefix("Subject:").strip(), _tidy(body))


def art15_information(locale: str) -> str:
    """The Art. 15 information (purposes, recipients, retention, source, rights), as plain text."""
    return _tidy(_template("_art15", locale).render(locale=locale, labelstudio=LABELSTUDIO, gba=GBA))

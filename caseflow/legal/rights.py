"""The vocabulary of a case, kept as data: rights, channels, statuses, outcomes, refusal codes, systems.

Labels are lazy translations so the same data serves the Dutch and the English UI.
"""
from flask_babel import lazy_gettext as _l

RIGHTS = {
    "access": (_l("Right of access"), "Art. 15"),
    "rectification": (_l("Right to rectification"), "Art. 16"),
    "erasure": (_l("Right to erasure"), "Art. 17"),
    "restriction": (_l("Right to restriction of processing"), "Art. 18"),
    "objection": (_l("Right to object"), "Art. 21"),
    "portability": (_l("Right to data portability"), "Art. 20"),
    "consent_withdrawal": (_l("Withdrawal of consent"), "Art. 7(3)"),
}

CHANNELS = {
    "registered_letter": _l("Registered letter"),
    "email": _l("Email"),
    "other": _l("Other"),
}

STATUSES = {
    "new": _l("New"),
    "awaiting_identity": _l("Awaiting proof of identity"),
    "in_progress": _l("In progress"),
    "resolved": _l("Resolved"),
    "refused": _l("Refused"),
    "withdrawn": _l("Withdrawn"),
    "closed_unverified": _l("Closed: identity not verified"),
    "closed_mistake": _l("Logged by mistake"),
}
OPEN_STATUSES = ("new", "awaiting_identity", "in_progress")
# A case logged by mistake (a duplicate, not a GDPR request) is closed, but no request was handled: it is shown
# apart in the register and counts in no figure about requests.
MISTAKE_STATUS = "closed_mistake"
CLOSED_STATUSES = ("resolved", "refused", "withdrawn", "closed_unverified", MISTAKE_STATUS)
HANDLED_CLOSED_STATUSES = tuple(s for s in CLOSED_STATUSES if s != MISTAKE_STATUS)

# The identity ladder, lightest to heaviest (docs/architecture.md §1; GDPR Art. 5(1)(c), 12(6); EDPB Guidelines 01/2022; GBA
# decision 145/2022): staff are led to the lightest proof that is enough.
IDENTITY_CHECKS = {
    "account": _l("The request came from the email address of the customer's web-shop account (or a signed letter "
                  "from the address on the account): verified on the spot, nothing to ask"),
    "knowledge": _l("Information only the customer has: an order number with the delivery postcode, or a reply "
                    "from the email address on the account"),
    "document": _l("Identity document: only when doubt remains after the above (write down why)"),
}
# Short names, for the case page and the audit trail.
IDENTITY_CHECK_NAMES = {
    "account": _l("account's email or postal address"),
    "knowledge": _l("information only the customer has"),
    "document": _l("identity document"),
}

OUTCOMES = {
    "granted": _l("Granted"),
    "partially_granted": _l("Partially granted"),
    "refused": _l("Refused"),
    "not_applicable": _l("Not applicable"),
}
# Outcomes that disclose or change personal data: only after the identity is verified.
DISCLOSING_OUTCOMES = ("granted", "partially_granted")
# Outcomes that (partly) refuse: a reason code and the reasons are required.
REFUSING_OUTCOMES = ("partially_granted", "refused")
# Outcomes whose answer must say why and name the complaint and court remedies (Art. 12(4)): a (partial)
# refusal, or no action at all because the right does not apply.
REMEDY_OUTCOMES = REFUSING_OUTCOMES + ("not_applicable",)

REFUSAL_CODES = {
    "legal_retention": _l("Legal retention obligation (e.g. invoicing data, tax law)"),
    "compelling_grounds": _l("Compelling legitimate grounds (objection)"),
    "no_ground": _l("None of the legal grounds applies"),
    "identity_not_verified": _l("Identity not verified"),
    "manifestly_unfounded": _l("Manifestly unfounded or excessive (Art. 12(5))"),
    "no_data": _l("No data held about the requester"),
    "other": _l("Other reason"),
}

# Which refusal reasons fit which right (the privacy statement and the GDPR's own exceptions).
_ALWAYS = ("identity_not_verified", "manifestly_unfounded", "no_data", "other")
REFUSAL_CODES_FOR = {
    "access": _ALWAYS,
    "rectification": ("legal_retention",) + _ALWAYS,  # invoicing data cannot be changed
    "erasure": ("legal_retention", "no_ground") + _ALWAYS,  # Art. 17(3)(b); none of the five grounds
    "restriction": ("no_ground",) + _ALWAYS,  # none of the four grounds
    "objection": ("compelling_grounds",) + _ALWAYS,  # never for direct marketing (Art. 21(3))
    "portability": ("no_ground",) + _ALWAYS,  # processing not based on consent or contract
    # Withdrawing consent is unconditional (Art. 7(3)); with no data held the right is "not applicable".
    "consent_withdrawal": ("identity_not_verified",),
}

# Labelstudio's systems holding personal data (docs/architecture.md §1), where an action takes place.
SYSTEMS = {
    "webshop": _l("Web shop account"),
    "invoicing": _l("Orders and invoicing"),
    "sisow": _l("Sisow (payments)"),
    "paypal": _l("PayPal (payments)"),
    "bpost": _l("Bpost (shipping)"),
    "mailchimp": _l("Mailchimp (newsletter)"),
    "customer_service": _l("Customer service mail and phone"),
    "analytics": _l("Website analytics (cookies)"),
    "other": _l("Other"),
}

CLOSE_STATUSES = {
    "resolved": _l("Resolved: every right has an outcome and the answer was sent"),
    "refused": _l("Refused as a whole (e.g. manifestly unfounded)"),
    "withdrawn": _l("Withdrawn by the requester"),
    "closed_unverified": _l("Closed: identity could not be verified"),
    "closed_mistake": _l("Logged by mistake: a duplicate or not a GDPR request (say why)"),
}


def right_label(key: str) -> str:
    label, article = RIGHTS[key]
    return f"{label} ({article})"

LETTER_KINDS = {
    "acknowledgement": _l("Acknowledgement of receipt"),
    "identity_request": _l("Request for proof of identity or clarification"),
    "extension_notice": _l("Extension notice"),
    "answer": _l("Answer"),
}

DELIVERIES = {
    "email": _l("Email"),
    "registered_letter": _l("Registered letter"),
}

# How letters address the requester (letters.salutation): "Geachte heer Vermeulen", "Geachte mevrouw Claes";
# none chosen: "Beste Sofie Claes".
SALUTATIONS = {
    "heer": _l("Mr (Dear Mr Vermeulen)"),
    "mevrouw": _l("Ms (Dear Ms Claes)"),
}

# How the passphrase of a data package sent by email reaches the requester: never with the email itself.
PASSPHRASE_CHANNELS = {
    "registered_letter": _l("In a registered letter"),
    "phone": _l("Read out by phone"),
    "separate_email": _l("In a separate email (the requester agreed)"),
}

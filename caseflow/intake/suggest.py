"""Which rights an email seems to invoke, from Dutch, French and English wording (staff confirm them).

Kept as data: per right, phrases (regular expressions over folded text: lower case, no accents). A phrase
names the person's own data or account, so words that merely look alike ("gegevens" on a label, "delete
the background", a newsletter's own unsubscribe link) suggest nothing.
"""
import re

from caseflow.intake.text import fold

_MY_DATA_NL = r"(?:mijn|al mijn|m'n|onze) (?:persoons)?(?:gegevens|data|klantgegevens|informatie)"
_MY_DATA_FR = r"(?:mes|toutes mes|nos) (?:donnees|informations)(?: personnelles)?"
_MY_DATA_EN = r"(?:my|all my|our) (?:personal )?(?:data|information|details)"
_ACCOUNT_NL = r"(?:mijn|m'n) (?:klanten)?(?:account|profiel|klantenaccount|gegevens|persoonsgegevens)"
_ACCOUNT_FR = r"(?:mon|mes) (?:compte|profil|donnees)"
_ACCOUNT_EN = r"(?:my) (?:customer )?(?:account|profile|data|personal data|information)"

PHRASES = {
    "access": [
        r"\binzage\b", r"\bkopie van " + _MY_DATA_NL, r"\boverzicht van " + _MY_DATA_NL,
        r"\bwelke (?:persoons)?gegevens (?:hebben|heeft|bewaren|bewaart|verwerken|verwerkt|kennen) (?:jullie|u|je)\b",
        r"\bwelke (?:persoons)?gegevens (?:jullie|u) (?:van|over) mij\b",
        r"\bwat (?:weten|bewaren|hebben) (?:jullie|julie|u) (?:allemaal )?(?:van|over) mij\b",
        r"\bdroit d'acces\b", r"\bacceder a " + _MY_DATA_FR, r"\bacces a " + _MY_DATA_FR,
        r"\bcopie de " + _MY_DATA_FR, r"\bquelles (?:donnees|informations)(?: personnelles)? (?:vous )?"
        r"(?:detenez|conservez|avez|possedez|traitez)", r"\bquelles (?:donnees|informations) (?:avez|detenez)-vous\b",
        r"\bright of access\b", r"\bsubject access request\b", r"\bdsar\b", r"\baccess to " + _MY_DATA_EN,
        r"\bcopy of " + _MY_DATA_EN, r"\bwhat (?:personal )?(?:data|information) (?:do )?you (?:hold|have|keep|store)",
        r"\bwhat (?:personal )?(?:data|info|information) (?:do )?you (?:hold |have |keep |store )?(?:on|about) me\b",
        r"\b(?:artikel|article|art\.?) 15\b",
    ],
    "rectification": [
        r"\brectific", r"\bverbeter(?:en|ing)? (?:van )?(?:mijn|m'n|de|het) (?:naam|adres|e-?mailadres|gegevens)",
        r"\b(?:mijn|m'n) (?:naam|adres|e-?mailadres|gegevens) (?:is|zijn|staat|staan) (?:fout|verkeerd|onjuist|niet juist)",
        r"\b(?:is|zijn|staat|staan) (?:mijn|m'n) (?:naam|adres|e-?mailadres|gegevens) (?:fout|verkeerd|onjuist|niet juist)",
        r"\b(?:wijzig|aanpassen|wijzigen|corrigeren|verbeteren)\b.{0,40}\b(?:mijn|m'n) (?:naam|adres|achternaam)",
        r"\b(?:mijn|m'n) (?:naam|adres|achternaam)\b.{0,40}\b(?:aanpassen|wijzigen|corrigeren|verbeteren)\b",
        r"\bcorriger\b.{0,30}\b(?:mon nom|mon adresse|mes donnees)", r"\b(?:mon nom|mon adresse) (?:est|sont) "
        r"(?:errone|incorrect|faux)", r"\bmodifier (?:mon nom|mon adresse)",
        r"\bcorrect (?:my|the) (?:name|address|details|data)", r"\bupdate my (?:name|address|details)",
        r"\bmy (?:name|address) is (?:wrong|incorrect|misspelled)",
    ],
    "erasure": [
        r"\b(?:verwijder|verwijderen|wis|wissen|schrap|schrappen)\b.{0,20}\b" + _ACCOUNT_NL,
        _ACCOUNT_NL + r"\b.{0,30}\b(?:verwijderen|verwijderd|wissen|gewist|schrappen)\b",
        r"\brecht op (?:wissen|vergetelheid|vergeten)", r"\bvergeten (?:te )?worden\b",
        r"\b(?:supprimer|supprimez|effacer|effacez)\b.{0,20}\b" + _ACCOUNT_FR, r"\bsuppression de " + _ACCOUNT_FR,
        r"\bdroit a l'(?:oubli|effacement)\b", r"\beffacement de " + _MY_DATA_FR,
        r"\b(?:delete|erase|remove)\b.{0,20}\b" + _ACCOUNT_EN, r"\bright to (?:be forgotten|erasure)\b",
        r"\bclose my account\b",
    ],
    "restriction": [
        r"\bbeperking van (?:de )?verwerking\b", r"\bverwerking\b.{0,30}\bbeperken\b", r"\brecht op beperking\b",
        r"\blimitation du traitement\b", r"\blimiter le traitement\b",
        r"\brestrict(?:ion of)? (?:the )?processing\b", r"\bright to restriction\b",
    ],
    "objection": [
        r"\bbezwaar\b", r"\bgeen (?:reclame|marketing|commerciele (?:e-?mails|berichten))\b",
        r"\bje m'oppose\b", r"\bdroit d'opposition\b", r"\bm'opposer\b",
        r"\b(?:stuur|stuurt|mail|mailt) (?:me|mij) geen (?:e-?mails?|mails?|reclame|promoties?) meer\b",
        r"\bi object\b", r"\bright to object\b", r"\bobject to (?:the )?processing\b",
        r"\b(?:no more|stop (?:sending|the)) (?:marketing|advertising|promotional)",
    ],
    "portability": [
        r"\boverdraagbaarheid\b", r"\bmachineleesba", r"\b(?:gegevens|data) (?:over ?dragen|doorsturen) naar\b",
        r"\bportabilite\b", r"\blisible par (?:une )?machine\b",
        r"\bportability\b", r"\bmachine[- ]?readable\b", r"\btransfer " + _MY_DATA_EN,
    ],
    "consent_withdrawal": [
        r"\btoestemming\b.{0,30}\bin ?(?:trekken|getrokken|trek)\b", r"\btrek\b.{0,20}\btoestemming\b.{0,10}\bin\b",
        r"\b(?:schrijf|haal|zet|verwijder) (?:me|mij)\b.{0,30}\b(?:uit|van|af)\b.{0,30}\b(?:nieuwsbrief|mailinglijst|mailing)",
        r"\b(?:haal|schrijf) (?:me|mij) (?:van|uit)\b.{0,20}\b(?:nieuwsbrief|mailinglijst|lijst)",
        r"\b(?:uitschrijven|afmelden|uitgeschreven|afgemeld)\b.{0,30}\b(?:nieuwsbrief|mailing)",
        r"\b(?:nieuwsbrief|mailings?)\b.{0,40}\b(?:uitschrijven|afmelden|stopzetten|niet meer ontvangen)\b",
        r"\bgeen nieuwsbrie(?:f|ven) meer\b",
        r"\bne (?:veux|souhaite|desire) plus recevoir (?:votre|vos|la) (?:newsletter|lettre d'information|infolettre)",
        r"\b(?:don't|do not) want (?:to receive )?(?:your|the) newsletter",
        r"\bdesinscri(?:ption|re|vez|vez-moi)\b", r"\bdesabonn", r"\bretir(?:e|er) (?:mon|le) consentement\b",
        r"\bretrait (?:de mon |du )?consentement\b",
        r"\bunsubscribe me\b", r"\b(?:want|like|wish) to unsubscribe\b", r"\bplease unsubscribe\b",
        r"\bwithdraw (?:my |the )?consent\b", r"\b(?:take|remove) me (?:off|from) (?:your|the) "
        r"(?:mailing list|newsletter|list)",
    ],
}
_COMPILED = {right: [re.compile(p) for p in phrases] for right, phrases in PHRASES.items()}

# Lines of a mail's boilerplate, e.g. a newsletter's own "click here to unsubscribe": never a request.
_BOILERPLATE = re.compile(r"click here|klik (?:hier|op)|cliquez ici|cliquez sur|manage your preferences|"
                          r"voorkeuren beheren|gerer vos preferences|this email was sent to|deze e-?mail werd verzonden")


def suggest_rights(*texts: str) -> list[str]:
    """The rights whose wording appears in the texts (e.g. the subject and the sender's own words), in RIGHTS order."""
    lines = [line for text in texts for line in fold(text).splitlines() if not _BOILERPLATE.search(line)]
    folded = re.sub(r"\s+", " ", " ".join(lines))  # hard-wrapped sentences read as one
    return [right for right, patterns in _COMPILED.items() if any(p.search(folded) for p in patterns)]


REFERENCE = re.compile(r"\bDSR-(\d{4})-(\d{4,})\b", re.IGNORECASE)


def strip_reply_prefix(subject: str) -> str:
    return re.sub(r"^(?:\s*(?:re|fw|fwd|tr|antw|doorst|wg)\s*:\s*)+", "", subject or "", flags=re.IGNORECASE)


def find_reference(subject: str, own: str, text: str, reply_ids: list, lookup) -> str | None:
    """The case an email names: DSR-YYYY-NNNN in the subject or the sender's own words, or the case of a letter it
    replies to (`lookup(message_ids)`). A suggestion only: anyone can name a case (intake.service.from_requester)."""
    for value in (subject, own, text):
        m = REFERENCE.search(value or "")
        if m:
            return f"DSR-{m.group(1)}-{m.group(2)}"
    ids = [i for i in reply_ids if i]
    if ids and lookup is not None:
        return lookup(ids)
    return None

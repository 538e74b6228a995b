"""Turning mail bodies into plain text: HTML to text (never rendered), format=flowed, quoted replies and signatures.

Pure functions over strings; nothing here knows Flask or the database.
"""
import re
import unicodedata
from html.parser import HTMLParser

_BLOCK_TAGS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre",
               "section", "article", "header", "footer", "ul", "ol", "hr"}
_SKIPPED_TAGS = {"script", "style", "head", "title", "noscript", "template", "iframe", "object", "svg"}


class _TextExtractor(HTMLParser):
    """Collects the visible text; scripts, styles, images (tracking pixels) and handlers are dropped, never run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """The readable text of an HTML body, as plain text."""
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # malformed markup: keep what was read
        pass
    lines = [line.strip() for line in "".join(extractor.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def unflow(text: str, delsp: bool = False) -> str:
    """RFC 3676 format=flowed: a line ending in a space continues on the next one."""
    out: list[str] = []
    current = ""
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if line.startswith(" "):  # space-stuffing
            line = line[1:]
        if line.endswith(" ") and line != "-- ":
            current += line[:-1] if delsp else line
        else:
            out.append(current + line)
            current = ""
    if current:
        out.append(current)
    return "\n".join(out)


def fold(text: str) -> str:
    """Lower case without accents, typographic quotes made plain: what the word lists are matched against."""
    text = (text or "").replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


# A quoted earlier message starts with one of these lines (Gmail, Outlook, Apple Mail, Thunderbird; nl/fr/en).
_QUOTE_HEADERS = re.compile(
    r"^\s*(?:"
    r"op .{3,120}(?:schreef|heeft .{0,60}geschreven)\s*.{0,80}:\s*$"
    r"|on .{3,120}wrote\s*:\s*$"
    r"|le .{3,120}a (?:e|\u00e9)crit\s*:\s*$"
    r"|-{2,}\s*(?:original message|oorspronkelijk bericht|message d'origine|message original)\s*-{2,}"
    r"|(?:van|from|de)\s*:\s.+$"  # Outlook's header block of the quoted message
    r")",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^(?:-- ?|__+)$")


def own_words(text: str) -> str:
    """The sender's own text: quoted replies (> lines, the quoted earlier message) and the signature left out.

    The whole text is kept on the case; this part is what rights are suggested from, so a quoted letter from
    Caseflow ("your right of access...") is not mistaken for a new request.
    """
    kept = []
    for line in text.splitlines():
        if line.lstrip().startswith(">"):
            continue
        if _QUOTE_HEADERS.match(line) or _SIGNATURE.match(line.rstrip()):
            break
        kept.append(line)
    return "\n".join(kept).strip()


_WORDS = re.compile(r"[a-z']+")

LANGUAGE_WORDS = {
    "nl": set("""de het een en van ik je jij u mijn mij me wij we jullie niet dat die dit is zijn ben heb hebt
        heeft met voor naar op aan ook maar graag wil wilt kunt kan alstublieft alsjeblieft dank bedankt groeten
        vriendelijke beste geachte mevrouw meneer heer gegevens verwijderen nieuwsbrief bestelling wat welke
        hoe waarom wanneer uw jullie hierbij verzoek zou willen""".split()),
    "fr": set("""le la les un une des et de du je tu vous mon ma mes nous ne pas que qui est suis avec pour
        sur dans aussi mais merci bonjour madame monsieur cordialement donnees supprimer compte commande
        votre vos quelles quel comment pourquoi quand svp veuillez souhaite demande""".split()),
    "en": set("""the a an and of i you my me we your not that this is am are have has with for to on at also
        but please thanks thank regards dear sir madam data delete account order what which how why when
        would like request want""".split()),
}


def detect_language(text: str) -> str | None:
    """nl, fr or en by counting common words; None when the text has too few words to tell."""
    words = _WORDS.findall(fold(text))
    scores = {lang: sum(1 for w in words if w in vocab) for lang, vocab in LANGUAGE_WORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= 2 else None

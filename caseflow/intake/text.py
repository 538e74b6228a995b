"""Turning mail bodies into plain text: HTML to text (never rendered), format=flowed, quoted replies and signatures.

Pure functions over strings; nothing here knows Flask or the database.
"""
import re
import unicodedata

from lxml import etree
from lxml import html as lxml_html

_BLOCK_TAGS = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre",
               "section", "article", "header", "footer", "ul", "ol", "hr"}
_SKIPPED_TAGS = {"script", "style", "head", "title", "noscript", "template", "iframe", "object", "svg"}
_SPACE = re.compile(r"\s+")
MAX_HTML_CHARS = 2_000_000  # what is read of one HTML body; the rest is cut off first
# libxml2's HTML parser: its work grows linearly with the input, it nests at most 256 elements deep (deeper
# content is dropped) and it never fetches anything.
_PARSER = lxml_html.HTMLParser(encoding="utf-8", recover=True, no_network=True, remove_comments=True,
                               remove_pis=True)


def html_to_text(html: str, *, max_chars: int = MAX_HTML_CHARS) -> str:
    """The readable text of an HTML body, as plain text; scripts, styles and images are dropped, never run.

    The standard library's HTMLParser is quadratic on unclosed constructs ('<a b="' repeated), which let one
    email stall the intake; libxml2 (lxml) is linear, and the walk over its tree is iterative.
    """
    data = (html or "")[:max_chars].encode("utf-8", "replace")
    try:
        root = lxml_html.document_fromstring(data, parser=_PARSER)
    except (etree.ParserError, ValueError):  # nothing but whitespace, or nothing an HTML parser can read
        return ""
    parts: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _SKIPPED_TAGS:
                walker.skip_subtree()
                continue
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if element.text:
                parts.append(_SPACE.sub(" ", element.text))
        else:
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if element.tail and element is not root:
                parts.append(_SPACE.sub(" ", element.tail))
    lines = [line.strip() for line in "".join(parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


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

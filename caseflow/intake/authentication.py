"""Whether an email really comes from its From domain, as our own mail server found: the DKIM and DMARC results
in the Authentication-Results header it added.

Anyone can write Authentication-Results headers before a message reaches us; our server adds its own above them.
So only the topmost header with a trusted authserv-id is read, and everything below it is ignored. SPF alone
never counts: it vouches for the envelope sender, not for the From address a person sees.
Pure: no Flask, no database; `authres` reads the syntax, and hostile input never raises.
"""
import re

import authres

MAX_CHARS = 8_000  # a longer value is not parsed (authres copies the rest of the text at every token)
_FOLDING = re.compile(r"[\r\n\t]+")
_LEADING_WORD = re.compile(r" *([^ ;()]+)")  # the authserv-id, as it stands when no comment comes before it


def sender_authenticated(header_values: list[str], from_domain: str | None, trusted_ids) -> bool:
    """True when our trusted server's header has DMARC pass, or DKIM pass by the From domain or a parent of it."""
    domain = _domain(from_domain)
    found = _find_trusted(header_values, trusted_ids)
    if not domain or found is None or found[1] is None:
        return False
    for result in found[1].results:
        if result.result != "pass":
            continue
        if result.method == "dmarc":
            claimed = _property(result, "header", "from")
            if claimed is None or _domain(claimed) == domain:
                return True
        elif result.method == "dkim":
            signer = _domain(_property(result, "header", "d"))
            if _multi_label(signer) and (domain == signer or domain.endswith(f".{signer}")):
                return True
    return False


def trusted_header(header_values, trusted_ids) -> str | None:
    """The one header value that is read (the topmost with a trusted authserv-id), to show why a sender counts."""
    found = _find_trusted(header_values, trusted_ids)
    return found[0] if found else None


def _find_trusted(header_values, trusted_ids):
    """(value, parsed header or None when unreadable) of the topmost trusted header; None when there is none.

    An unreadable header keeps its leading word as authserv-id: our own server's header, if unreadable, must
    stop the walk rather than let a forged header below it be read. Untrusted headers are not even parsed.
    """
    if isinstance(trusted_ids, str):
        trusted_ids = [trusted_ids]
    trusted = {_domain(i) for i in trusted_ids or ()} - {""}
    if not trusted:
        return None
    for value in header_values or ():
        raw, text, word = _flatten(value)
        if word is not None and word not in trusted:
            continue
        header = _parse(text)
        if header is None:
            if word is not None:
                return raw, None
            continue  # unreadable and no leading word: not a header our server wrote
        if _domain(header.authserv_id) in trusted:
            return raw, header
    return None


def _flatten(value) -> tuple[str, str | None, str | None]:
    """The value as text, unfolded for parsing (None when too long) and its leading word as a domain."""
    try:
        text = str(value)
    except Exception:
        return "", None, None
    flat = _FOLDING.sub(" ", text[:MAX_CHARS + 1])
    word = _LEADING_WORD.match(flat)
    authserv_id = _domain(word.group(1)) if word else None
    if len(text) > MAX_CHARS:
        return text, None, authserv_id
    if word and authserv_id and word.group(1).endswith("."):  # authres reads no trailing dot in a domain
        flat = authserv_id + flat[word.end(1):]
    return text, flat, authserv_id


def _parse(text: str | None):
    """The parsed header, or None when authres cannot read it."""
    if text is None:
        return None
    try:
        return authres.AuthenticationResultsHeader.parse_value(text)
    except Exception:  # authres's own SyntaxError, ValueError, RecursionError on nested comments
        return None


def _property(result, ptype: str, name: str) -> str | None:
    """The first `ptype.name=` value: authres names header.d on its dkim class, but dmarc is a plain result."""
    return next((p.value for p in result.properties if p.type == ptype and p.name == name), None)


def _multi_label(domain: str) -> bool:
    """`be` or `com` signs for no one: a signer needs at least two labels, none empty."""
    labels = domain.split(".")
    return len(labels) >= 2 and all(labels)


def _domain(value) -> str:
    return str(value or "").strip().lower().rstrip(".")

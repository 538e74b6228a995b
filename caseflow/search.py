"""What the register's search compares: text folded for case and accents, so "celine" finds "Céline Dupré"."""
import unicodedata


def fold(text: str | None) -> str:
    """Lower case, accents and other marks removed: 'Çelik' -> 'celik', 'Ünal' -> 'unal', 'ß' -> 'ss'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def case_search_text(case) -> str:
    """The folded text of everything a case is searched by, one field per line."""
    parts = (case.reference, case.requester_name, case.requester_email, case.customer_number)
    return "\n".join(fold(p) for p in parts if p)

"""What the register's search compares: text folded for case and accents, so "celine" finds "Céline Dupré".

The folded text is kept on each case (Case.search_text) and indexed: an FTS5 word index on SQLite (case_fts, kept
in sync by triggers), a pg_trgm GIN index on PostgreSQL (migration 0013); services/register.py searches them.
"""
import unicodedata


def fold(text: str | None) -> str:
    """Lower case, accents and other marks removed: 'Çelik' -> 'celik', 'Ünal' -> 'unal', 'ß' -> 'ss'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def search_text(reference, requester_name, requester_email, customer_number, request_text) -> str:
    """The folded text of everything a case is searched by, one field per line, the request's own text last."""
    parts = (reference, requester_name, requester_email, customer_number, request_text)
    return "\n".join(fold(p) for p in parts if p)


def case_search_text(case) -> str:
    return search_text(case.reference, case.requester_name, case.requester_email, case.customer_number,
                       case.request_text)

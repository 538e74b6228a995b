"""Bpost tracking numbers of registered letters: pure checks, no Flask."""
import re

from flask_babel import lazy_gettext as _l

# The international form on the label (two letters, nine digits, BE) or the 24-digit barcode number.
INTERNATIONAL = re.compile(r"^[A-Z]{2}\d{9}BE$")
BARCODE = re.compile(r"^\d{24}$")
EXPECTED = _l("Enter the Bpost tracking number as two letters, nine digits and BE (e.g. RR123456789BE), "
              "or the 24-digit number under the barcode.")


def normalize(text: str | None) -> str:
    """The number as typed, without spaces or dashes, in capitals (labels print it in groups)."""
    return re.sub(r"[\s\-.]", "", text or "").upper()


def is_valid(number: str) -> bool:
    return bool(INTERNATIONAL.match(number) or BARCODE.match(number))

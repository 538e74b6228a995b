"""Two-factor login with an authenticator app (TOTP, RFC 6238): enrolment with a QR code, codes that work once."""
import pyotp
import segno

ISSUER = "Caseflow"
VALID_WINDOW = 1  # accept the previous and next 30-second code too: phone clocks drift


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The enrolment QR code as an SVG data: URI for an <img> (made here, nothing fetched from elsewhere)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def matching_step(secret: str, code: str, now, *, after: int | None = None) -> int | None:
    """The time step the code belongs to (within the window), or None; a step at or before `after` is spent."""
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // totp.interval
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if after is not None and step <= after:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


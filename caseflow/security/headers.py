"""HTTP hardening on every response: a strict Content-Security-Policy, no framing, no sniffing, no caching."""
from flask import Flask

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def register(app: Flask) -> None:
    @app.after_request
    def harden(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if response.headers.get("Strict-Transport-Security") is None and app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        # Every page may show personal data (cases, requesters, staff): no copy in any cache or history.
        # The stylesheet and scripts too: one rule, and they are a few kilobytes on a local network.
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
        return response

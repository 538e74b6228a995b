"""Whether a sender is authenticated, read from the Authentication-Results header our own mail server added."""
import random
import time
from email import message_from_bytes, policy

import pytest

from caseflow.intake.authentication import MAX_CHARS, sender_authenticated, trusted_header

OURS = "mx1.labelstudio.be"
TRUSTED = [OURS]
PASS = (f"{OURS}; dkim=pass header.d=example.be header.s=s1; spf=pass smtp.mailfrom=example.be; "
        "dmarc=pass header.from=example.be")
FAIL = (f"{OURS}; dkim=fail (bad signature) header.d=example.be header.s=s1; spf=softfail smtp.mailfrom=example.be; "
        "dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from=example.be")
GMAIL = ("mx.google.com; dkim=pass header.i=@example.be header.s=s1 header.b=Xq3Zk9+a; "
         "spf=pass (google.com: domain of jan@example.be designates 2a00:1450:4864:20::52e as permitted sender) "
         "smtp.mailfrom=jan@example.be; dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.be")


def ours(results: str) -> str:
    return f"{OURS}; {results}"


def test_no_headers_authenticate_no_one():
    assert not sender_authenticated([], "example.be", TRUSTED)
    assert not sender_authenticated(None, "example.be", TRUSTED)
    assert trusted_header([], TRUSTED) is None


def test_a_header_from_a_server_we_do_not_trust_is_not_read():
    forged = "mx.attacker.example; dkim=pass header.d=example.be; dmarc=pass header.from=example.be"
    assert not sender_authenticated([forged], "example.be", TRUSTED)
    assert trusted_header([forged], TRUSTED) is None


def test_dmarc_pass_on_our_header_authenticates():
    assert sender_authenticated([PASS], "example.be", TRUSTED)
    assert trusted_header([PASS], TRUSTED) == PASS
    dmarc_only = ours("dkim=fail header.d=example.be; spf=pass smtp.mailfrom=example.be; "
                      "dmarc=pass header.from=example.be")
    assert sender_authenticated([dmarc_only], "example.be", TRUSTED)


def test_dmarc_fail_on_our_header_does_not():
    assert not sender_authenticated([FAIL], "example.be", TRUSTED)
    assert trusted_header([FAIL], TRUSTED) == FAIL


def test_dmarc_pass_for_another_from_domain_does_not():
    assert not sender_authenticated([ours("dmarc=pass header.from=gmail.com")], "example.be", TRUSTED)
    assert not sender_authenticated([ours('dmarc=pass header.from=""')], "example.be", TRUSTED)
    assert sender_authenticated([ours("dmarc=pass")], "example.be", TRUSTED)  # no header.from: the From it checked


@pytest.mark.parametrize("signer, from_domain, expected", [
    ("example.be", "example.be", True),
    ("Example.BE.", "example.be", True),
    ("labelstudio.be", "mail.labelstudio.be", True),  # a parent domain signs for its subdomains
    ("labelstudio.be", "a.b.labelstudio.be", True),
    ("gmail.com", "example.be", False),
    ("evil-labelstudio.be", "labelstudio.be", False),
    ("labelstudio.be", "evil-labelstudio.be", False),  # a parent by name, not by label
    ("labelstudio.be.evil.example", "labelstudio.be", False),
    ("mail.labelstudio.be", "labelstudio.be", False),  # a subdomain does not sign for its parent
    ("be", "labelstudio.be", False),  # single labels sign for no one
    ("be.", "labelstudio.be", False),
    (".be", "x.be", False),
    ("", "example.be", False),
])
def test_dkim_pass_counts_for_the_signing_domain_and_its_subdomains(signer, from_domain, expected):
    header = ours(f"dkim=pass header.d={signer} header.s=s1; spf=pass smtp.mailfrom={from_domain}")
    assert sender_authenticated([header], from_domain, TRUSTED) is expected


def test_any_passing_aligned_signature_counts_and_only_a_passing_one():
    assert sender_authenticated([ours("dkim=fail header.d=example.be; dkim=pass header.d=example.be")],
                                "example.be", TRUSTED)
    assert not sender_authenticated([ours("dkim=fail header.d=example.be; dkim=pass header.d=gmail.com")],
                                    "example.be", TRUSTED)
    assert not sender_authenticated([ours("dkim=neutral header.d=example.be; dmarc=none header.from=example.be")],
                                    "example.be", TRUSTED)


def test_spf_pass_alone_never_counts_nor_do_other_methods():
    header = ours("spf=pass smtp.mailfrom=example.be; iprev=pass policy.iprev=192.0.2.1; auth=pass smtp.auth=jan")
    assert not sender_authenticated([header], "example.be", TRUSTED)
    others = ours("domainkeys=pass header.d=example.be header.from=example.be; x-dkim=pass header.d=example.be; "
                  "sender-id=pass header.from=example.be")
    assert not sender_authenticated([others], "example.be", TRUSTED)
    assert not sender_authenticated([ours("none")], "example.be", TRUSTED)


def test_a_forged_header_below_ours_is_ignored():
    forged = PASS  # the sender wrote our server's name; ours, added on arrival, sits above it
    assert not sender_authenticated([FAIL, forged], "example.be", TRUSTED)
    assert trusted_header([FAIL, forged], TRUSTED) == FAIL


def test_a_header_above_ours_from_another_server_is_ignored():
    above = "relay.internal.example; dkim=pass header.d=example.be; dmarc=pass header.from=example.be"
    assert not sender_authenticated([above, FAIL], "example.be", TRUSTED)
    assert sender_authenticated([above, PASS], "example.be", TRUSTED)
    assert trusted_header([above, PASS], TRUSTED) == PASS


def test_a_comment_before_the_authserv_id_is_read_by_authres():
    assert sender_authenticated([f"(received by) {PASS}"], "example.be", TRUSTED)
    forged = "(looks harmless) mx.attacker.example; dmarc=pass header.from=example.be"
    assert not sender_authenticated([forged], "example.be", TRUSTED)
    assert trusted_header([forged, PASS], TRUSTED) == PASS


def test_the_authserv_id_is_compared_without_case_or_trailing_dot():
    assert sender_authenticated([PASS.replace(OURS, "MX1.LabelStudio.BE")], "example.be", TRUSTED)
    assert sender_authenticated([PASS], "Example.BE.", ["MX1.labelstudio.be."])
    dotted = PASS.replace(OURS, f"{OURS}.")
    assert sender_authenticated([dotted], "example.be", TRUSTED)
    assert not sender_authenticated([dotted.replace("=pass", "=fail"), PASS], "example.be", TRUSTED)


def test_properties_authres_cannot_read_are_dropped_and_the_result_kept():
    """authres is lenient, as real servers need (Microsoft writes `action=none`); a lost header.from is not asked."""
    microsoft = ("mx.microsoft.com 1; spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=example.be; dkim=none "
                 "(message not signed) header.d=none;dmarc=pass action=none header.from=example.be;"
                 "compauth=pass reason=100")
    assert sender_authenticated([microsoft], "example.be", ["mx.microsoft.com"])
    assert not sender_authenticated([microsoft], "gmail.com", ["mx.microsoft.com"])  # header.from is still read
    assert sender_authenticated([ours('dmarc=pass header.from="example.be')], "example.be", TRUSTED)


def test_no_trusted_server_or_no_from_domain_authenticates_no_one():
    assert not sender_authenticated([PASS], "example.be", [])
    assert not sender_authenticated([PASS], "example.be", None)
    assert not sender_authenticated([PASS], None, TRUSTED)
    assert not sender_authenticated([PASS], "", TRUSTED)
    assert not sender_authenticated([ours("dmarc=pass")], None, TRUSTED)
    assert trusted_header([". ; none", "...; dmarc=pass"], ["", "."]) is None
    assert trusted_header([PASS], []) is None
    assert sender_authenticated([PASS], "example.be", OURS)  # one id given as a string, not its letters
    assert not sender_authenticated([PASS], "example.be", "m")


def test_a_gmail_style_header_is_read_when_google_is_the_trusted_server():
    assert sender_authenticated([GMAIL], "example.be", ["mx.google.com"])
    assert not sender_authenticated([GMAIL], "example.be", TRUSTED)
    # Gmail names the signer by header.i only: without dmarc, that is no header.d and counts for nothing
    assert not sender_authenticated([GMAIL.split("; dmarc=")[0]], "example.be", ["mx.google.com"])


def test_headers_of_a_parsed_message_are_read_folded_as_they_arrive():
    raw = (b"Authentication-Results: mx1.labelstudio.be;\r\n\tdkim=pass header.d=example.be header.s=s1;\r\n"
           b"\tspf=pass smtp.mailfrom=example.be;\r\n\tdmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.be\r\n"
           b"Authentication-Results: mx.attacker.example; dmarc=fail\r\n"
           b"From: Jan <jan@example.be>\r\nSubject: inzage\r\n\r\nGraag mijn gegevens.\r\n")
    values = message_from_bytes(raw, policy=policy.default).get_all("Authentication-Results")
    assert sender_authenticated(values, "example.be", TRUSTED)
    assert "dmarc=pass" in trusted_header(values, TRUSTED)
    for folded in (PASS.replace("; ", ";\r\n\t"), PASS.replace("; ", ";\n"), "\r\n " + PASS + "\r\n"):
        assert sender_authenticated([folded], "example.be", TRUSTED), repr(folded)


def test_our_own_header_unreadable_stops_the_walk_before_a_forged_one():
    for unreadable in (ours("dkim=pass header.d=example.be (unbalanced"), ours("dmarc=pass é=pass"),
                       PASS + " " + "x" * MAX_CHARS, ours("dkim=pass; ")):
        assert not sender_authenticated([unreadable, PASS], "example.be", TRUSTED), unreadable[:60]
        assert trusted_header([unreadable, PASS], TRUSTED) == unreadable


def test_an_unreadable_untrusted_header_is_skipped():
    for unreadable in ("(((forged", "mx.attacker.example; dmarc=pass (", "\x00\x01\x02", ""):
        assert sender_authenticated([unreadable, PASS], "example.be", TRUSTED)


@pytest.mark.parametrize("garbage", [
    bytes(random.Random(17).randrange(256) for _ in range(4000)).decode("latin-1"),
    bytes(random.Random(18).randrange(256) for _ in range(4000)).decode("utf-8", errors="replace"),
    ours("dmarc=pass header.from=example.be ") + "a" * 100_000,
    "x" * 100_000,
    ours("dmarc=pass (((( header.from=example.be"),
    ours("dmarc=pass header.from=example.be) )"),
    ours("(" * 7_000 + "dmarc=pass"),
    ours("dkim=pass " + "(" * 7_000),
    ours("dmarc=\r\npass\r\n header.from=exam\nple.be"),
    "mx1.labelstudio.be\r\n; dmarc",
    f"{OURS} 2; dmarc=pass header.from=example.be",  # an unknown version
    f"{OURS}; dmarc=pass; ;",
    ";;;;",
    "\r\n\t ",
])
def test_garbage_authenticates_no_one_and_raises_nothing(garbage):
    assert not sender_authenticated([garbage], "example.be", TRUSTED)
    assert not sender_authenticated([garbage, garbage], "example.be", TRUSTED)


class Unprintable:
    def __str__(self):
        raise ValueError("no text")


def test_values_that_are_not_text_raise_nothing():
    assert not sender_authenticated([Unprintable(), None, 42], "example.be", TRUSTED)
    assert sender_authenticated([Unprintable(), PASS], "example.be", TRUSTED)


def test_random_header_text_raises_nothing_and_stays_quick():
    rng = random.Random(5)
    alphabet = "abcdexmpl.1=;()\"\\@ \t\r\n/+-é\x00"
    started = time.monotonic()
    for _ in range(400):
        body = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 400)))
        sender_authenticated([ours(body), body], "example.be", TRUSTED)
        trusted_header([body, ours(body)], TRUSTED)
    long = ours("dkim=pass " + "header.d=example.be " * 390)
    assert len(long) <= MAX_CHARS and sender_authenticated([long], "example.be", TRUSTED)
    assert time.monotonic() - started < 10

"""The email parser on a corpus of real-world-shaped messages (tests/data/mail/*.eml, expected.json)."""
import json
import os
from email.message import EmailMessage

import pytest

from caseflow.intake.parse import Limits, parse_bytes, parse_file

MAIL = os.path.join(os.path.dirname(__file__), "data", "mail")
EXPECTED = json.load(open(os.path.join(MAIL, "expected.json"), encoding="utf-8"))
LETTER_MESSAGE_ID = "<3f2b9c1d0e8a4f5b9c7d6e5f4a3b2c1d@labelstudio.be>"  # a letter of case DSR-2026-0007
TRUSTED = ("mx.labelstudio.be",)  # the corpus's receiving server; its forwards carry its Authentication-Results


def lookup(ids):
    return "DSR-2026-0007" if LETTER_MESSAGE_ID in ids else None


def test_the_corpus_is_big_and_varied_enough():
    files = sorted(f for f in os.listdir(MAIL) if f.endswith(".eml"))
    assert files == sorted(EXPECTED) and len(files) >= 20
    assert {e["language"] for e in EXPECTED.values()} >= {"nl", "fr", "en"}
    assert sum(1 for e in EXPECTED.values() if e["valid"] and not e["rights"] and not e["reference"]) >= 3
    assert sum(1 for e in EXPECTED.values() if e.get("forwarded_by")) >= 4


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_message_parses_as_expected(name):
    parsed = parse_file(os.path.join(MAIL, name), lookup=lookup, trusted_authserv_ids=TRUSTED).as_json()
    expected = EXPECTED[name]
    assert {key: parsed[key] for key in expected if key in parsed} == expected
    assert parsed["valid"] == (parsed["error"] is None)


def test_html_is_turned_into_text_without_scripts_handlers_or_pixels():
    parsed = parse_file(os.path.join(MAIL, "15_html_only_script.eml"))
    assert "please unsubscribe me from the newsletter" in parsed.text
    for unwanted in ("<", "script", "document.cookie", "onload", "alert", "tracker.example", "color:red"):
        assert unwanted not in parsed.text


def test_a_truncated_message_keeps_what_could_be_read():
    parsed = parse_file(os.path.join(MAIL, "13_truncated_multipart.eml"))
    assert not parsed.valid and "truncated" in parsed.as_json()["error"]
    assert "verwijder mijn account" in parsed.text
    assert parsed.from_email == "bart.willems@telenet.be"


def test_a_colleagues_forward_counts_from_the_day_the_original_reached_the_colleague():
    parsed = parse_file(os.path.join(MAIL, "06_fwd_outlook_nl.eml"), trusted_authserv_ids=TRUSTED)
    assert parsed.sender_authenticated and not parsed.requester_authenticated  # the colleague, not the customer
    assert parsed.forwarded_by == "els@labelstudio.be"
    assert parsed.received_date.isoformat() == "2026-03-02"  # the forward itself arrived on 9 March
    assert parsed.text.startswith("Goedemiddag") and "Kan iemand dit oppakken" not in parsed.text


def test_received_late_in_the_evening_utc_is_the_next_day_in_brussels():
    parsed = parse_file(os.path.join(MAIL, "01_outlook_nl_access.eml"))  # Received: 4 Mar 23:30 +0000
    assert parsed.date_source == "received" and parsed.received_date.isoformat() == "2026-03-05"


def test_a_50_mb_attachment_is_read_whole_when_the_limit_allows_and_the_text_still_comes_through():
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "Big Sender <big@example.be>", "info@labelstudio.be", "inzage"
    msg["Date"] = "Mon, 2 Mar 2026 10:00:00 +0100"
    msg.set_content("Ik vraag inzage in mijn gegevens; in bijlage alles.")
    msg.add_attachment(b"%PDF-1.4\n" + b"0" * (50 * 1024 * 1024), maintype="application", subtype="pdf",
                       filename="groot.pdf")
    parsed = parse_bytes(msg.as_bytes(), limits=Limits(max_bytes=100 * 1024 * 1024))
    assert parsed.valid and parsed.rights == ["access"]
    assert parsed.attachments[0].name == "groot.pdf" and parsed.attachments[0].size > 50 * 1024 * 1024
    # by default (25 MB) only its headers are read: quarantined, the sender and subject known
    parsed = parse_bytes(msg.as_bytes())
    assert parsed.error == "too_large" and parsed.quarantined and not parsed.valid
    assert parsed.from_email == "big@example.be" and parsed.subject == "inzage" and parsed.attachments == []


@pytest.mark.parametrize("raw", [b"", b"\x00\x01\x02 not a mail \xff"])
def test_unreadable_input_is_invalid_not_a_crash(raw):
    parsed = parse_bytes(raw, file="x.eml")
    assert not parsed.valid and parsed.error in ("unreadable", "no_sender")


def test_the_command_prints_one_json_object_per_file(runner):
    names = ["01_outlook_nl_access.eml", "14_no_from.eml", "07_fwd_gmail_en.eml"]
    result = runner.invoke(args=["intake", "parse", *[os.path.join(MAIL, n) for n in names]])
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert [os.path.basename(o["file"]) for o in objects] == names
    assert objects[0]["rights"] == ["access"] and objects[0]["received_date"] == "2026-03-05"
    assert objects[1]["valid"] is False and "sender" in objects[1]["error"]
    assert objects[2]["from_email"] == "john.smith@example.com"


@pytest.mark.parametrize("text, rights", [
    # the casual wording of the issue
    ("haal me van die nieuwsbrief", ["consent_withdrawal"]),
    ("verwijder mijn account", ["erasure"]),
    ("welke gegevens hebben jullie van mij", ["access"]),
    ("Désinscription", ["consent_withdrawal"]),
    ("delete my data", ["erasure"]),
    # more of the same kind
    ("Graag zou ik al mijn gegevens bij jullie laten schrappen.", ["erasure"]),
    ("Je voudrais savoir quelles informations vous avez sur moi.", ["access"]),
    ("Can you tell me what info you have on me?", ["access"]),
    ("Stuur me geen mails meer aub", ["objection"]),
    ("I don't want your newsletter anymore, thanks", ["consent_withdrawal"]),
    ("Please remove me from your mailing list.", ["consent_withdrawal"]),
    ("Bonjour, je souhaite supprimer mon compte client.", ["erasure"]),
    ("Mijn naam is verkeerd gespeld in mijn account, graag verbeteren.", ["rectification"]),
    ("I want all my data in a machine readable format to move to another shop.", ["portability"]),
    # words that merely look alike: no request
    ("Welke gegevens moeten op het etiket staan?", []),
    ("Kunnen jullie het adres op mijn etiketten aanpassen? Het logo moet weg.", []),
    ("Hoeveel kost het om 200 etiketten met onze gegevens te laten drukken?", []),
    ("Could you delete the proof you sent yesterday and send a new one?", []),
    ("Click here to unsubscribe from this newsletter.", []),
    ("Pouvez-vous supprimer l'article 3 de ma commande ?", []),
])
def test_rights_are_suggested_from_wording_not_from_look_alike_words(text, rights):
    from caseflow.intake.suggest import suggest_rights

    assert suggest_rights(text) == rights

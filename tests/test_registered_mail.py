"""Proof of sending by registered mail: posting date, Bpost number, receipt; a letter counts on the third working
day after posting (Ger.W. art. 53bis) unless the receipt shows an earlier delivery."""
import io
from datetime import date, timedelta

import pytest

from caseflow import clock
from caseflow.extensions import db
from caseflow.legal.deadline_text import extension_posting_day
from caseflow.letters import service as correspondence
from caseflow.models import AuditEvent, Case, Letter
from caseflow.registered import service as registered
from caseflow.services import ServiceError
from caseflow.services import cases as svc
from tests.fixtures.cases import open_case
from tests.fixtures.users import make_user

D = date.fromisoformat
RECEIVED = D("2026-03-05")  # Thu; deadline Tue 7 April 2026 (Easter), latest posting day Wed 1 April
PDF = b"%PDF-1.4\n% a Bpost receipt\n"


@pytest.fixture
def actor(app):
    return make_user()


def letter_case(actor):
    """A request by registered letter from someone without an email address: every letter goes registered."""
    return open_case(actor, requester_email=None, requester_address="Kerkstraat 1\n2960 Brecht",
                     received_on=RECEIVED, today=RECEIVED, tracking_number="rr 123 456 789 be")


def extension_notice(case, actor, on):
    svc.extend(case, actor=actor, reason="Gegevens in vijf systemen", today=on)
    return correspondence.send_as_drafted(case, "extension_notice", actor=actor, today=on)


def test_the_incoming_letters_tracking_number_is_kept_normalized(actor):
    case = letter_case(actor)
    assert case.tracking_number == "RR123456789BE"


@pytest.mark.parametrize("channel, number, message", [
    ("registered_letter", "RR12345678BE", "twee letters, negen cijfers en BE"),
    ("registered_letter", "123456789012345678901234X", "24 cijfers"),
    ("email", "RR123456789BE", "Alleen een aangetekende brief"),
])
def test_a_bad_incoming_tracking_number_is_refused_saying_what_is_expected(actor, channel, number, message):
    with pytest.raises(ServiceError) as err:
        open_case(actor, channel=channel, tracking_number=number)
    assert err.value.field == "tracking_number"
    assert message in str(err.value.message)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_an_extension_notice_posted_in_time_counts(actor):
    case = letter_case(actor)
    notice = extension_notice(case, actor, D("2026-03-20"))
    assert notice.delivery == "registered_letter"
    registered.record_posting(notice, actor=actor, posted_on=D("2026-03-20"), tracking_number="RR123456780BE",
                              today=D("2026-03-20"))
    assert notice.received_on == D("2026-03-25")  # Fri 20 -> Mon 23, Tue 24, Wed 25
    assert case.extension_effective
    assert case.deadline == D("2026-06-05")


def test_an_extension_notice_posted_on_the_last_posting_day_counts(actor):
    case = letter_case(actor)
    assert extension_posting_day(case) == D("2026-04-01")
    notice = extension_notice(case, actor, D("2026-04-01"))
    registered.record_posting(notice, actor=actor, posted_on=D("2026-04-01"), tracking_number="RR123456780BE",
                              today=D("2026-04-01"))
    assert notice.received_on == D("2026-04-07")  # Thu 2, Fri 3, (Easter weekend, Easter Monday) Tue 7
    assert case.deadline == D("2026-06-05")


def test_an_extension_notice_posted_too_late_does_not_count(actor):
    """Saved for printing in time, but posted a day too late: it arrives after the original deadline."""
    case = letter_case(actor)
    notice = extension_notice(case, actor, D("2026-03-31"))
    assert case.deadline == D("2026-06-05")  # presumed posted the day it was saved
    registered.record_posting(notice, actor=actor, posted_on=D("2026-04-02"), tracking_number="RR123456780BE",
                              today=D("2026-04-02"))
    assert notice.received_on == D("2026-04-08")
    assert not case.extension_effective
    assert case.deadline == D("2026-04-07")
    assert case.events[-1].action == "extension_not_in_force"


def test_an_earlier_delivery_on_the_bpost_receipt_counts(actor):
    case = letter_case(actor)
    notice = extension_notice(case, actor, D("2026-03-31"))
    registered.record_posting(notice, actor=actor, posted_on=D("2026-04-02"), tracking_number="RR123456780BE",
                              delivered_on=D("2026-04-03"), today=D("2026-04-07"))
    assert notice.received_on == D("2026-04-03")
    assert case.deadline == D("2026-06-05")


def test_a_registered_extension_notice_saved_too_late_to_arrive_in_time_is_refused(actor):
    """Today a letter saved for printing counted at once; posted on 2 April it can only arrive on 8 April."""
    case = letter_case(actor)
    svc.extend(case, actor=actor, reason="Gegevens in vijf systemen", today=D("2026-04-02"))
    problems = [str(p) for p in correspondence.problems(case, "extension_notice", today=D("2026-04-02"))]
    assert problems == ["Een aangetekende brief die vandaag op de post gaat, geldt als ontvangen op 08/04/2026 (de "
                        "derde werkdag na de afgifte), na de oorspronkelijke uiterste antwoorddatum (07/04/2026): de "
                        "kennisgeving van de verlenging zou te laat zijn. Ze moest uiterlijk op 01/04/2026 op de post."]


@pytest.mark.parametrize("values, field, message", [
    (dict(posted_on=D("2026-03-19")), "posted_on", "vóór de brief geschreven werd (20/03/2026)"),
    (dict(posted_on=D("2026-03-25")), "posted_on", "toekomst"),
    (dict(tracking_number="12345"), "tracking_number", "RR123456789BE"),
    (dict(delivered_on=D("2026-03-19")), "delivered_on", "vóór ze op de post ging"),
])
def test_bad_proof_of_posting_is_refused_and_nothing_changes(actor, values, field, message):
    case = letter_case(actor)
    notice = extension_notice(case, actor, D("2026-03-20"))
    version = case.version
    args = dict(posted_on=D("2026-03-20"), tracking_number="RR123456780BE", today=D("2026-03-24"))
    args.update(values)
    with pytest.raises(ServiceError) as err:
        registered.record_posting(notice, actor=actor, **args)
    assert err.value.field == field and message in str(err.value.message)
    db.session.rollback()
    assert db.session.get(Letter, notice.id).posted_on is None
    assert db.session.get(Case, case.id).version == version


def test_the_24_digit_barcode_and_a_receipt_are_kept(actor, app):
    case = letter_case(actor)
    notice = extension_notice(case, actor, D("2026-03-20"))
    registered.record_posting(notice, actor=actor, posted_on=D("2026-03-20"),
                              tracking_number="3232 0000 0012 3456 7890 1234", receipt=io.BytesIO(PDF),
                              receipt_name="ontvangstbewijs.pdf", today=D("2026-03-20"))
    assert notice.tracking_number == "323200000012345678901234"
    assert notice.receipt_name == "ontvangstbewijs.pdf"
    with pytest.raises(ServiceError) as err:
        registered.record_posting(notice, actor=actor, posted_on=D("2026-03-20"), tracking_number="RR123456780BE",
                                  receipt=io.BytesIO(b"hello"), receipt_name="bon.txt", today=D("2026-03-20"))
    assert err.value.field == "receipt"
    event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "letter_posted")).one()
    assert "323200000012345678901234" in event.after


def _web_case(actor):
    today = clock.today()
    case = open_case(actor, requester_email=None, requester_address="Kerkstraat 1\n2960 Brecht",
                     received_on=today - timedelta(days=3), today=today)
    svc.extend(case, actor=actor, reason="Gegevens in vijf systemen", today=today)
    return case, correspondence.send_as_drafted(case, "extension_notice", actor=actor, today=today)


def test_the_posting_form_keeps_the_input_and_says_what_is_expected(client, logged_in):
    case, notice = _web_case(logged_in)
    url = f"/cases/{case.id}/letters/{notice.id}/posting"
    page = client.get(url).get_data(as_text=True)
    assert "uiterlijk" in page and "op de post" in page
    response = client.post(url, data={"version": case.version, "posted_on": clock.today().isoformat(),
                                      "tracking_number": "RR12345BE"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "twee letters, negen cijfers en BE (bv. RR123456789BE)" in body
    assert 'value="RR12345BE"' in body
    response = client.post(url, data={"version": case.version, "posted_on": clock.today().isoformat(),
                                      "tracking_number": "RR123456789BE",
                                      "receipt": (io.BytesIO(PDF), "bon.pdf")},
                           content_type="multipart/form-data", follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Bewijs van afgifte bewaard" in body
    letter_page = client.get(f"/cases/{case.id}/letters/{notice.id}").get_data(as_text=True)
    assert "RR123456789BE" in letter_page
    assert client.get(f"/cases/{case.id}/letters/{notice.id}/receipt").data == PDF
    show = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "RR123456789BE" in show


def test_the_case_page_says_by_which_day_to_post_the_extension_notice(client, logged_in):
    today = clock.today()
    case = open_case(logged_in, requester_email=None, requester_address="Kerkstraat 1\n2960 Brecht",
                     received_on=today - timedelta(days=3), today=today)
    svc.extend(case, actor=logged_in, reason="Gegevens in vijf systemen", today=today)
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="extension-posting-day"' in page
    from caseflow.web.filters import long_date
    assert long_date(extension_posting_day(case, today)) in page


def test_the_new_case_form_records_the_incoming_tracking_number(client, logged_in):
    data = {"channel": "registered_letter", "received_on": clock.today().isoformat(), "requester_name": "Jan Claes",
            "requester_address": "Kerkstraat 1\n2960 Brecht", "rights": ["access"], "tracking_number": "RR1BE", "assignee_id": ""}
    response = client.post("/cases/new", data=data)
    assert response.status_code == 422
    assert "RR123456789BE" in response.get_data(as_text=True)
    assert 'value="RR1BE"' in response.get_data(as_text=True)
    data["tracking_number"] = "RR 123 456 789 BE"
    response = client.post("/cases/new", data=data, follow_redirects=True)
    assert "Bpost RR123456789BE" in response.get_data(as_text=True)

"""Printed letters that look finished: the complaint passage whole on one page, the letterhead on every page."""
import io

from pypdf import PdfReader

from caseflow.letters import drafting as letters
from caseflow.letters import pdf
from tests.test_package import D, actor, erasure_case  # noqa: F401 (fixture)

GBA_LINES = ("Bent u het niet eens met onze beslissing", "Drukpersstraat 35", "1000 Brussel", "contact@apd-gba.be",
             "www.gegevensbeschermingsautoriteit.be", "U kunt ook naar de rechter stappen")


def _pages(case, body, subject):
    data = pdf.letter_pdf(body=body, subject=subject, requester_name=case.requester_name,
                          requester_address=case.requester_address, reference=case.reference,
                          letter_date=D("2026-03-20"), locale="nl")
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_the_complaint_passage_is_never_split_over_two_pages(actor):  # noqa: F811
    """A long explanation pushes the GBA passage over every position on the page: it always stays on one page."""
    case = erasure_case(actor)
    subject, body = letters.render("answer", letters.context_for(case, today=D("2026-03-20"),
                                                                 sender_name="An Peeters"), "nl")
    head, sep, rest = body.partition("Klacht en beroep")
    assert sep, body
    moved = set()
    for filler in range(0, 70, 2):
        text = head + "".join(f"Regel {n} van een lange toelichting.\n" for n in range(filler)) + "\n" + sep + rest
        pages = _pages(case, text, subject)
        holding = {i for i, page in enumerate(pages) for line in GBA_LINES if line in page}
        assert len(holding) == 1, (filler, holding)
        moved.add(holding.pop())
    assert len(moved) >= 2  # at some length the whole passage was pushed to the next page


def test_every_page_after_the_first_carries_the_letterhead_and_reference(actor):  # noqa: F811
    case = erasure_case(actor)
    subject, body = letters.render("answer", letters.context_for(case, today=D("2026-03-20"),
                                                                 sender_name="An Peeters"), "nl")
    body = body.replace("Klacht en beroep", "".join(f"Regel {n}.\n" for n in range(80)) + "\nKlacht en beroep")
    pages = _pages(case, body, subject)
    assert len(pages) >= 3
    for page in pages[1:]:
        assert page.startswith("Labelstudio") and f"Ons kenmerk: {case.reference}" in page

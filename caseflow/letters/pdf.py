"""Printable PDFs for requests answered by registered post: the letter for a window envelope, and the Art. 15 sheet."""
import unicodedata
from datetime import date, datetime, time

from babel.dates import format_date
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from caseflow import clock
from caseflow.clock import BRUSSELS
from caseflow.letters.drafting import GBA, LABELSTUDIO, art15_information

# Millimetres on A4. The address window follows DIN 5008 form B (common for C5/6 and DL envelopes):
# 20 mm from the left, 45 mm from the top, 85 x 45 mm, its top 17.7 mm for the postal marker.
LEFT, RIGHT, TOP, BOTTOM = 20, 20, 15, 22
WINDOW_X, WINDOW_Y, WINDOW_W = 20, 45, 85
ADDRESS_Y = WINDOW_Y + 17.7
BODY_Y = 105
LINE = 5  # body line height
PARAGRAPH_GAP = 3.5  # the white between paragraphs (a blank line in the text)

WORDS = {
    "nl": {"registered": "Aangetekend", "reference": "Ons kenmerk", "subject": "Betreft", "page": "Pagina",
           "sheet": "Informatie over de verwerking van uw persoonsgegevens (artikel 15 AVG)", "vat": "BTW"},
    "en": {"registered": "Aangetekend / Registered", "reference": "Our reference", "subject": "Subject",
           "page": "Page", "sheet": "Information about the processing of your personal data (Article 15 GDPR)",
           "vat": "VAT"},
}

# Only fpdf2's core font (Helvetica) is used, so no system font is needed; it takes latin-1 text only.
# Characters outside latin-1 that have a plain equivalent; anything else is decomposed, or becomes "?".
_LATIN1 = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-",
    "\u2026": "...", "\u20ac": "EUR", "\u2022": "-", "\u00b7": "-", "\u2192": "->",
    "\u0152": "OE", "\u0153": "oe", "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u202f": " ",
    "\u200b": "", "\ufeff": "", "\u0141": "L", "\u0142": "l", "\u0110": "D", "\u0111": "d", "\u0131": "i",
})


def latin1(text: str) -> str:
    """`text` with every character encodable in latin-1, as the PDF core fonts require."""
    text = (text or "").translate(_LATIN1)
    if text.isascii() or all(ord(ch) < 256 for ch in text):  # the usual case, without building it anew
        return text
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
        else:
            plain = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(plain or "?")
    return "".join(out)


class _Document(FPDF):
    """A4 with Labelstudio's letterhead on the first page, a short one with the reference on every next page,
    and a footer with page numbers on every page."""

    def __init__(self, locale: str, title: str, created: datetime, reference: str | None = None):
        if locale not in WORDS:
            raise ValueError(f"unknown letter language: {locale!r}")
        super().__init__(orientation="P", unit="mm", format="A4")
        self.words = WORDS[locale]
        self.reference = reference
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_title(latin1(title))
        self.set_author(LABELSTUDIO["name"])
        self.set_creator("Caseflow")
        self.set_lang("nl-BE" if locale == "nl" else "en")
        self.set_creation_date(created)
        self.add_page()
        self._letterhead()

    def _letterhead(self) -> None:
        self.set_font("Helvetica", "B", 14)
        self.cell(0, 7, LABELSTUDIO["name"], align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 9)
        for line in (LABELSTUDIO["street"], LABELSTUDIO["city"], f"{self.words['vat']} {LABELSTUDIO['vat']}",
                     LABELSTUDIO["email"], LABELSTUDIO["website"]):
            self.cell(0, 4.2, line, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def header(self) -> None:
        """Pages after the first: the company name and the reference, so a loose page is still known."""
        if self.page_no() == 1:
            return
        self.set_font("Helvetica", "B", 9)
        self.cell(0, 4.5, LABELSTUDIO["name"], align=Align.L)
        if self.reference:
            self.set_font("Helvetica", "", 9)
            self.cell(0, 4.5, latin1(f"{self.words['reference']}: {self.reference}"), align=Align.R)
        self.ln(4.5)
        self.set_draw_color(160, 160, 160)
        self.line(LEFT, self.get_y() + 1, self.w - RIGHT, self.get_y() + 1)
        self.ln(7)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 7.5)
        company = " - ".join((LABELSTUDIO["name"], f"{LABELSTUDIO['street']}, {LABELSTUDIO['city']}",
                              f"{self.words['vat']} {LABELSTUDIO['vat']}", LABELSTUDIO["email"]))
        self.cell(0, 4, company, align=Align.L)
        self.cell(0, 4, f"{self.words['page']} {self.page_no()}/{{nb}}", align=Align.R)

    def paragraph(self, text: str, *, size: float = 10, style: str = "") -> None:
        self.set_font("Helvetica", style, size)
        self.flow(latin1(text), LINE)

    def flow(self, text: str, height: float) -> None:
        """What multi_cell(0, height, text) does for left-aligned latin-1 text, from the current x to the right
        margin, with lines wrapped here: fpdf2's line breaking and cells cost ~25 us a character, too slow for an evidence
        pack with hundreds of letters."""
        x = self.get_x()
        for line in self.wrap(text, self.w - self.r_margin - x - 2 * self.c_margin):
            if self.get_y() + height > self.page_break_trigger:
                self.add_page()  # footer, new page, same font
            y = self.get_y()
            if line:  # where cell() would put it: padded, vertically centred on the line
                self.text(x + self.c_margin, y + 0.5 * height + 0.3 * self.font_size, line)
            self.set_y(y + height)

    def wrap(self, text: str, width: float) -> list[str]:
        """`text` in lines no wider than `width` (mm) in the current core font: at spaces, else inside a long word."""
        widths, scale = self.current_font.cw, self.font_size / 1000
        space = widths[" "] * scale
        lines = []
        for raw in text.split("\n"):
            line, line_width = "", 0.0
            for word in raw.split(" "):
                word_width = sum(widths[c] for c in word) * scale
                if line and line_width + space + word_width <= width:
                    line, line_width = f"{line} {word}", line_width + space + word_width
                    continue
                if line:
                    lines.append(line)
                while word_width > width and len(word) > 1:  # a word wider than the line: split it
                    cut, cut_width = 1, widths[word[0]] * scale
                    while cut < len(word) and cut_width + widths[word[cut]] * scale <= width:
                        cut_width += widths[word[cut]] * scale
                        cut += 1
                    lines.append(word[:cut])
                    word, word_width = word[cut:], word_width - cut_width
                line, line_width = word, word_width
            lines.append(line)
        return lines

    def text_block(self, text: str, heading=lambda lines, i: False) -> None:
        """Plain text line by line: blank lines as space, "  - " items with a hanging indent, indented lines indented."""
        lines = text.strip("\n").splitlines()
        for i, line in enumerate(lines):
            stripped = line.lstrip()
            indent = min(len(line) - len(stripped), 8) * 1.2
            if not stripped:
                self.ln(PARAGRAPH_GAP)
            elif heading(lines, i):
                self.ln(1)
                self.paragraph(line, size=10.5, style="B")
            elif stripped.startswith("- "):
                self.set_font("Helvetica", "", 10)
                self.set_x(LEFT + indent)
                self.cell(4, LINE, "-")
                self.flow(latin1(stripped[2:]), LINE)
            else:
                self.set_x(LEFT + indent)
                self.paragraph(stripped)

    def keep_together(self, text: str) -> None:
        """Start a new page first if the (short) block would not fit on this one, e.g. a greeting and signature."""
        width = self.epw
        self.set_font("Helvetica", "", 10)
        height = sum(PARAGRAPH_GAP if not line.strip() else
                     LINE * max(1, -(-self.get_string_width(latin1(line.strip())) // (width - 2)))
                     for line in text.strip("\n").splitlines())
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def unbroken_block(self, text: str) -> None:
        """A block that is never split over two pages (e.g. where to complain, with the GBA's address): if it does
        not fit on what is left of this page, it starts on the next."""
        self.keep_together(text)
        self.text_block(text)

    def render(self) -> bytes:
        return bytes(self.output())


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time(0), tzinfo=BRUSSELS)


def letter_pdf(*, body: str, subject: str, requester_name: str, requester_address: str | None, reference: str,
               letter_date: date, locale: str) -> bytes:
    """A registered letter on Labelstudio's letterhead, addressed for a window envelope."""
    doc = _Document(locale, subject, _midnight(letter_date), reference=reference)
    words = doc.words
    # Return address and postal marker in the top of the window, then the recipient.
    doc.set_xy(WINDOW_X, WINDOW_Y + 2)
    doc.set_font("Helvetica", "", 7)
    doc.cell(WINDOW_W, 3.5, latin1(f"{LABELSTUDIO['name']}, {LABELSTUDIO['street']}, {LABELSTUDIO['city']}"))
    doc.set_xy(WINDOW_X, WINDOW_Y + 9)
    doc.set_font("Helvetica", "B", 11)
    doc.cell(WINDOW_W, 5, latin1(words["registered"].upper()))
    doc.set_xy(WINDOW_X, ADDRESS_Y)
    doc.set_font("Helvetica", "", 10.5)
    lines = [requester_name] + [ln.strip() for ln in (requester_address or "").splitlines() if ln.strip()]
    for line in lines:
        doc.set_x(WINDOW_X)
        doc.cell(WINDOW_W, 4.6, latin1(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    doc.set_y(max(BODY_Y, doc.get_y() + 8))
    doc.set_font("Helvetica", "", 10)
    place_date = f"{LABELSTUDIO['place']}, {format_date(letter_date, 'd MMMM y', locale=locale)}"
    doc.cell(WINDOW_W, LINE, latin1(f"{words['reference']}: {reference}"), align=Align.L)
    doc.cell(0, LINE, latin1(place_date), align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(LINE)
    doc.paragraph(f"{words['subject']}: {subject}", style="B")
    doc.ln(LINE)
    # The closing (greeting and signature, the last two blocks) never ends up split over two pages.
    blocks = body.strip("\n").split("\n\n")
    head, tail = blocks[:-2], "\n\n".join(blocks[-2:])
    if len(blocks) > 2 and len(tail.splitlines()) <= 12:
        _blocks(doc, head)
        doc.ln(PARAGRAPH_GAP)
        doc.keep_together(tail)
        doc.text_block(tail)
    else:
        _blocks(doc, blocks)
    return doc.render()


def sent_letter_pdf(letter, *, reference: str) -> bytes:
    """The PDF of a letter as it was sent: to the recipient stored with it (name, then the postal address; an
    email's address), dated and worded as stored. Never the case's details as they are now: correcting the
    requester's address afterwards does not readdress a letter already posted."""
    name, _, address = letter.recipient.partition("\n")
    return letter_pdf(body=letter.body, subject=letter.subject, requester_name=name, requester_address=address,
                      reference=reference, letter_date=letter.sent_on, locale=letter.locale)


def _remedy_span(blocks: list[str]) -> tuple[int, int] | None:
    """Where the complaint and remedy passage is: the GBA's address with the sentence before and after it, and the
    heading above them if there is one (a short line without a full stop)."""
    at = next((i for i, block in enumerate(blocks) if GBA["street"] in block), None)
    if at is None:
        return None
    start, end = max(0, at - 1), min(len(blocks), at + 2)
    if start > 0 and "\n" not in blocks[start - 1].strip() and len(blocks[start - 1]) < 90 \
            and not blocks[start - 1].rstrip().endswith((".", ":", ",")):
        start -= 1
    return start, end


def _blocks(doc: _Document, blocks: list[str]) -> None:
    """Paragraphs with white between them; the complaint and remedy passage kept whole on one page."""
    span = _remedy_span(blocks)
    if span is None:
        doc.text_block("\n\n".join(blocks))
        return
    start, end = span
    if start:
        doc.text_block("\n\n".join(blocks[:start]))
        doc.ln(PARAGRAPH_GAP)
    doc.unbroken_block("\n\n".join(blocks[start:end]))
    if end < len(blocks):
        doc.ln(PARAGRAPH_GAP)
        doc.text_block("\n\n".join(blocks[end:]))


def _is_heading(lines: list[str], i: int) -> bool:
    """In the information sheet, a heading is a short line after a blank one without closing punctuation."""
    line = lines[i]
    return (i == 0 or not lines[i - 1].strip()) and bool(line.strip()) and not line.startswith(" ") \
        and len(line) < 90 and not line.rstrip().endswith((".", ",", ";", ":"))


def info_sheet_pdf(locale: str, *, created_at: datetime | None = None) -> bytes:
    """The Art. 15 information sheet that goes into every access and portability package."""
    title = WORDS[locale]["sheet"]
    doc = _Document(locale, title, created_at or clock.now())
    doc.set_y(WINDOW_Y)
    doc.paragraph(title, size=13, style="B")
    doc.ln(3)
    doc.text_block(art15_information(locale), heading=_is_heading)
    return doc.render()

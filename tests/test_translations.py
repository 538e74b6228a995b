"""Every UI text has its Dutch translation: staff never see an English sentence in the Dutch UI."""
import os
import subprocess
import sys

from babel.messages.pofile import read_po

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_every_message_is_translated_to_dutch(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "pybabel"), "-q", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs=.* __pycache__ instance", "-o", str(pot), "."],
        cwd=ROOT, check=True,
    )
    with open(pot, "rb") as fh:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    with open(os.path.join(ROOT, "caseflow/translations/nl/LC_MESSAGES/messages.po"), "rb") as fh:
        catalog = read_po(fh, locale="nl")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and "fuzzy" not in m.flags and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = sorted(wanted - translated)
    assert missing == [], "untranslated (run `make extract-messages` and translate): " + repr(missing[:20])

"""The per-right checklists, loaded from checklists.toml (data a non-programmer can read and edit), and where a
case stands on them."""
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from caseflow.legal.rights import DISCLOSING_OUTCOMES, RIGHTS, SYSTEMS


@dataclass(frozen=True)
class Item:
    right: str
    key: str
    system: str
    nl: str
    en: str
    needs_identity: bool = False  # discloses or changes personal data: only after the identity is verified
    keeps_data: bool = False  # ticked, part of the request is not carried out: the outcome cannot be "granted"
    done_by_answer: bool = False  # the answer itself does it: ticked when the answer is sent, never before

    def label(self, locale: str) -> str:
        return self.en if str(locale).startswith("en") else self.nl


def parse(data: dict) -> dict[str, tuple[Item, ...]]:
    """Validate the checklist data: every right present, known systems, unique keys per right."""
    lists = {}
    for right in RIGHTS:
        entries = data.get(right)
        if not entries:
            raise ValueError(f"checklists: no items for right {right!r}")
        items = tuple(Item(right=right, **entry) for entry in entries)
        keys = [i.key for i in items]
        if len(set(keys)) != len(keys):
            raise ValueError(f"checklists: duplicate key in {right!r}")
        for item in items:
            if item.system not in SYSTEMS:
                raise ValueError(f"checklists: unknown system {item.system!r} in {right}.{item.key}")
        lists[right] = items
    unknown = set(data) - set(RIGHTS)
    if unknown:
        raise ValueError(f"checklists: unknown right(s) {sorted(unknown)}")
    return lists


@lru_cache(maxsize=1)
def checklists() -> dict[str, tuple[Item, ...]]:
    """The checklists shipped beside this module (package data, read once)."""
    return parse(tomllib.loads(resources.files(__package__).joinpath("checklists.toml").read_text("utf-8")))


def items_for(right: str) -> tuple[Item, ...]:
    return checklists()[right]


def item(right: str, key: str) -> Item | None:
    return next((i for i in items_for(right) if i.key == key), None)


# Where a case stands on its rights' checklists.


def state(case_right) -> list[tuple]:
    """Each checklist line of the right with the action that dealt with it (ticked or not applicable), or None."""
    done = {a.checklist_item: a for a in case_right.actions if a.checklist_item}
    return [(item, done.get(item.key)) for item in items_for(case_right.right)]


def progress(case_right) -> tuple[int, int]:
    lines = state(case_right)
    return sum(1 for _, action in lines if action), len(lines)


def needs_checklist(case_right) -> bool:
    """A right that is (partly) granted, or not decided yet, is worked through its checklist; a refused one is not."""
    return case_right.outcome is None or case_right.outcome in DISCLOSING_OUTCOMES


def open_items(case, *, before_answer: bool = False) -> list[tuple]:
    """(right, item) pairs still open on rights that need their checklist.

    before_answer: without the lines the answer itself does (delivering the copy), which it ticks when sent.
    """
    return [(r, item) for r in case.rights if needs_checklist(r) for item, action in state(r)
            if action is None and not (before_answer and item.done_by_answer)]


def still_open(items: list):
    """What to say while checklist lines are open (None when none are)."""
    if items:
        return lazy_ngettext("%(num)d checklist item is still open: tick it or mark it not applicable first.",
                             "%(num)d checklist items are still open: tick them or mark them not applicable first.",
                             len(items))
    return None


KEPT_DATA_GRANTED = _l(
    "The checklist records that some data were kept (e.g. invoices, for the tax authorities), so the request was "
    "not carried out in full: choose partially granted with the reason code legal retention obligation, and say "
    "what was kept.")


def keeps_data(case_right) -> bool:
    """A line such as "invoicing data kept" was ticked: part of the request is not carried out."""
    return any(a.checklist_item and not a.not_applicable
               and getattr(item(case_right.right, a.checklist_item), "keeps_data", False)
               for a in case_right.actions)


DIRECT_MARKETING_REFUSED = _l(
    "An objection to direct marketing (the newsletter) must always be granted (Art. 21(3) GDPR). If the objection "
    "is not about direct marketing, mark that checklist item not applicable; otherwise choose partially granted.")


def objects_to_direct_marketing(case_right) -> bool:
    """An objection whose direct-marketing line was ticked: it must be granted, never refused (Art. 21(3))."""
    return case_right.right == "objection" and any(
        a.checklist_item == "direct_marketing" and not a.not_applicable for a in case_right.actions)

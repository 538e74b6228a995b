"""Where a case stands on the per-right checklists of checklists.toml."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from caseflow import checklists
from caseflow.rights import DISCLOSING_OUTCOMES


def state(case_right) -> list[tuple]:
    """Each checklist line of the right with the action that dealt with it (ticked or not applicable), or None."""
    done = {a.checklist_item: a for a in case_right.actions if a.checklist_item}
    return [(item, done.get(item.key)) for item in checklists.items_for(case_right.right)]


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
               and getattr(checklists.item(case_right.right, a.checklist_item), "keeps_data", False)
               for a in case_right.actions)


DIRECT_MARKETING_REFUSED = _l(
    "An objection to direct marketing (the newsletter) must always be granted (Art. 21(3) GDPR). If the objection "
    "is not about direct marketing, mark that checklist item not applicable; otherwise choose partially granted.")


def objects_to_direct_marketing(case_right) -> bool:
    """An objection whose direct-marketing line was ticked: it must be granted, never refused (Art. 21(3))."""
    return case_right.right == "objection" and any(
        a.checklist_item == "direct_marketing" and not a.not_applicable for a in case_right.actions)

"""Where a case stands on the per-right checklists of checklists.toml."""
from flask_babel import lazy_gettext as _l

from .. import checklists
from ..rights import DISCLOSING_OUTCOMES


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


def open_items(case) -> list[tuple]:
    """(right, item) pairs still open on rights that need their checklist."""
    return [(r, item) for r in case.rights if needs_checklist(r) for item, action in state(r) if action is None]

DIRECT_MARKETING_REFUSED = _l(
    "An objection to direct marketing (the newsletter) must always be granted (Art. 21(3) GDPR). If the objection "
    "is not about direct marketing, mark that checklist item not applicable; otherwise choose partially granted.")


def objects_to_direct_marketing(case_right) -> bool:
    """An objection whose direct-marketing line was ticked: it must be granted, never refused (Art. 21(3))."""
    return case_right.right == "objection" and any(
        a.checklist_item == "direct_marketing" and not a.not_applicable for a in case_right.actions)

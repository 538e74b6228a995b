"""The per-right checklists, loaded from checklists.toml (data a non-programmer can read and edit)."""
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from caseflow.rights import RIGHTS, SYSTEMS

PATH = os.path.join(os.path.dirname(__file__), "checklists.toml")


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
    with open(PATH, "rb") as fh:
        return parse(tomllib.load(fh))


def items_for(right: str) -> tuple[Item, ...]:
    return checklists()[right]


def item(right: str, key: str) -> Item | None:
    return next((i for i in items_for(right) if i.key == key), None)

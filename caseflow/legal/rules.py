"""The legal rules of a case (README's guard rails, docs/architecture.md §2-3) as pure functions of its state.

Each function lists what is wrong (Problem objects); an empty list means the step may go ahead. The services
call them at every step that depends on them (deciding, answering, closing), so the order in which staff work
cannot leave a decision standing that no longer holds. No database writes, no Flask requests.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from caseflow.clock import as_utc
from caseflow.legal import checklists
from caseflow.legal.checklists import (
    DIRECT_MARKETING_REFUSED,
    KEPT_DATA_GRANTED,
    keeps_data,
    objects_to_direct_marketing,
    open_items,
    still_open,
)
from caseflow.legal.rights import (
    DISCLOSING_OUTCOMES,
    OUTCOMES,
    REFUSAL_CODES,
    REFUSAL_CODES_FOR,
    REFUSING_OUTCOMES,
    RIGHTS,
)

# Closing as resolved or refused means an answer went to the requester.
ANSWERED_STATUSES = ("resolved", "refused")

IDENTITY_NOT_VERIFIED = _l("The identity of the requester has not been verified: no data may be disclosed or changed yet.")


@dataclass(frozen=True)
class Problem:
    """One rule broken: a stable code, the right concerned (a key, or None for the case), the message for staff."""

    code: str
    message: object  # a lazy string: read in the reader's language
    right: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        return str(self.message)


_UNSET = object()


def decision(case, right, *, outcome=_UNSET, refusal_code=_UNSET, reason=_UNSET) -> list[Problem]:
    """What is wrong with the right's decision: as it stands, or as proposed (the keyword arguments).

    An undecided right has no decision to be wrong.
    """
    outcome = right.outcome if outcome is _UNSET else outcome
    code = right.refusal_code if refusal_code is _UNSET else refusal_code
    reason = right.outcome_reason if reason is _UNSET else reason
    key = right.right
    found = []

    def problem(code_, message, field=None):
        found.append(Problem(code_, message, key, field))

    if outcome is None:
        return found
    if outcome not in OUTCOMES:
        problem("outcome_unknown", _l("Choose an outcome."), "outcome")
        return found
    if outcome in REFUSING_OUTCOMES:
        if code not in REFUSAL_CODES:
            problem("refusal_code_missing", _l("A (partial) refusal needs a reason code."), "refusal_code")
        elif code not in REFUSAL_CODES_FOR[key]:
            problem("refusal_code_unfit", _l("This reason code does not fit this right."), "refusal_code")
        elif code == "identity_not_verified" and case.identity_verified_on is not None:
            problem("identity_since_verified",
                    _l("The identity has been verified: choose the reason that really applies."), "refusal_code")
        if not (reason or "").strip():
            problem("refusal_reasons_missing",
                    _l("Explain the reasons for the refusal; they go to the requester."), "reason")
    if outcome == "not_applicable" and not (reason or "").strip():
        problem("not_applicable_reasons_missing",
                _l("Explain why this right does not apply; the explanation goes to the requester."), "reason")
    if outcome in DISCLOSING_OUTCOMES and case.identity_verified_on is None:
        problem("identity_not_verified", IDENTITY_NOT_VERIFIED, "outcome")
    if outcome == "granted" and keeps_data(right):
        problem("granted_though_data_kept", KEPT_DATA_GRANTED, "outcome")
    if outcome in ("refused", "not_applicable") and objects_to_direct_marketing(right):
        problem("direct_marketing_refused", DIRECT_MARKETING_REFUSED, "outcome")
    return found


def checklist_line(case, right, key: str, *, not_applicable: bool = False) -> list[Problem]:
    """What stands in the way of dealing with a checklist line: ticking what discloses or changes data waits for
    the identity (stopping marketing does not: those lines have no needs_identity)."""
    item = checklists.item(right.right, key)
    if item is None:
        return [Problem("line_unknown", _l("This checklist item does not belong to this right."), right.right)]
    if any(a.checklist_item == key for a in right.actions):
        return [Problem("line_done", _l("This checklist item has already been dealt with."), right.right)]
    if not not_applicable and item.needs_identity and case.identity_verified_on is None:
        return [Problem("identity_not_verified", IDENTITY_NOT_VERIFIED, right.right)]
    return []


def invalid_decisions(case) -> dict:
    """{right key: problems} for every decision that no longer holds after what happened since it was taken."""
    return {r.right: found for r in case.rights if (found := decision(case, r))}


def _decisions(case) -> list[Problem]:
    found = [Problem("outcome_missing", _l("Every right needs an outcome before the answer can be sent."))] \
        if any(r.outcome is None for r in case.rights) else []
    for problems in invalid_decisions(case).values():
        for p in problems:
            found.append(Problem(p.code, _l("%(right)s: this decision no longer holds. %(problem)s Decide it again.",
                                             right=_right_name(p.right), problem=p.message), p.right))
    return found


def _right_name(key: str):
    return RIGHTS[key][0]


def _open_lines(case, *, before_answer: bool) -> list[Problem]:
    message = still_open(open_items(case, before_answer=before_answer))
    return [Problem("checklist_open", message, field="status")] if message else []


def sends_copy(case) -> bool:
    """An answer granting access or portability (in part) comes with the data package (Art. 15(3), Art. 20(1))."""
    return any(r.right in ("access", "portability") and r.outcome in DISCLOSING_OUTCOMES for r in case.rights)


def answer(case) -> list[Problem]:
    """What stands in the way of sending the answer: undecided or invalid decisions, open lines, no package."""
    found = _decisions(case) + _open_lines(case, before_answer=True)
    if sends_copy(case) and not case.package_files:
        found.append(Problem("package_missing", _l(
            "The answer gives the requester a copy of their data: first add the exported files to the data package "
            "on the case page.")))
    return found


def current_answer(case):
    """The last answer not given up on, if it still tells the requester about the decisions as they stand."""
    letter = next((x for x in reversed(case.letters) if x.kind == "answer" and not x.failed), None)
    decided = max((r.outcome_at for r in case.rights if r.outcome_at), default=None)
    if letter is None or (decided is not None and as_utc(letter.created_at) < as_utc(decided)):
        return None
    return letter


def closing(case, status: str) -> list[Problem]:
    """What stands in the way of closing the case with `status` (the answer's own date is the caller's check)."""
    found = []

    def problem(code, message):
        found.append(Problem(code, message, field="status"))

    if status == "closed_unverified" and case.identity_verified_on is not None:
        problem("identity_verified", _l("The identity has been verified; this case cannot be closed as unverified."))
    if status not in ANSWERED_STATUSES:
        return found
    found += [Problem(p.code, p.message, p.right, "status") for p in _decisions(case) if p.code != "outcome_missing"]
    if status == "resolved" and any(r.outcome is None for r in case.rights):
        problem("outcome_missing", _l("Every right needs an outcome before the case can be resolved."))
    if status == "refused" and (any(r.outcome not in ("refused", "not_applicable") for r in case.rights)
                                or not any(r.outcome == "refused" for r in case.rights)):
        problem("not_all_refused", _l("To refuse the case as a whole, first refuse each right (with its reason code "
                                      "and reasons) or mark it not applicable."))
    if status == "resolved":
        found += _open_lines(case, before_answer=True)
    letter = current_answer(case)
    if letter is None:  # none yet, or it told the requester about decisions that have changed since
        problem("answer_missing", _l("First send the answer to the requester (under Letters to the requester: "
                                     "Answer); then close the case."))
    elif not letter.delivered:
        problem("answer_in_outbox", _l("The answer is still in the outbox: close the case once it has gone out "
                                       "(usually within a minute)."))
    elif status == "resolved" and not found:
        found += _open_lines(case, before_answer=False)  # incl. those the answer ticks once delivered
    return found


def closed_case(case) -> list[Problem]:
    """The rules a closed case must still satisfy (the order-independence test's oracle)."""
    return closing(case, case.status) if case.status in ANSWERED_STATUSES else []

"""The new-case form saved: shared by the register's new-case page and the case made from an email.

One place turns the form into the case fields, shows the cases that may be the same request before saving, and
answers a form saved a second time (a double submit, or back and save again) with the case it made the first time.
"""
import uuid
from dataclasses import dataclass, field
from typing import Callable

from flask import flash, redirect, url_for
from flask_login import current_user

from caseflow import clock
from caseflow.models import Case
from caseflow.services import ServiceError, duplicates
from caseflow.web.views import apply_service_error


def new_token(form) -> None:
    """Each form shown gets its own token: saving it twice makes one case."""
    form.form_token.data = uuid.uuid4().hex


def case_fields(form) -> dict:
    """The new-case form as the keyword arguments of services.cases.open_case (the actor aside)."""
    upload = form.attachment.data
    has_file = bool(upload and getattr(upload, "filename", ""))
    return dict(
        channel=form.channel.data,
        received_on=form.received_on.data,
        requester_name=form.requester_name.data,
        requester_email=form.requester_email.data,
        requester_address=form.requester_address.data,
        customer_number=form.customer_number.data,
        tracking_number=form.tracking_number.data,
        rights=form.rights.data,
        request_text=form.request_text.data,
        assignee_id=form.assignee_id.data or None,
        attachment=upload.stream if has_file else None,
        attachment_name=upload.filename if has_file else None,
        requester_salutation=form.requester_salutation.data or None,
        form_token=form.form_token.data,
        confirm_old=form.confirm_old.data,
    )


def to_saved_case(case: Case):
    """The form was saved before: say so and show the case it made, instead of making a second one."""
    flash(str(duplicates.AlreadySaved(case).message), "warning")
    return redirect(url_for("cases.show", case_id=case.id))


@dataclass
class Outcome:
    case: Case | None = None  # the new case
    similar: list = field(default_factory=list)  # not saved: cases that may be the same request, to look at first
    response: object = None  # not saved: this form was saved before; the redirect to that case


def save(form, open_case: Callable[..., Case]) -> Outcome:
    """A validated new-case form saved through open_case (services.cases.open_case, or a service wrapping it).

    Cases with the same email address, or name and postal address, stop the save until the confirm box is ticked;
    a service error is put on the form. The outcome has the case, or why there is none.
    """
    earlier = duplicates.saved_with_token(form.form_token.data)
    if earlier is None and not form.confirm_duplicate.data:
        similar = duplicates.similar_cases(name=form.requester_name.data, email=form.requester_email.data,
                                           address=form.requester_address.data, now=clock.now())
        if similar:
            return Outcome(similar=similar)
    try:
        return Outcome(case=open_case(actor=current_user, **case_fields(form)))
    except duplicates.AlreadySaved as error:
        return Outcome(response=to_saved_case(error.case))
    except ServiceError as error:
        apply_service_error(form, error)
        return Outcome()

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from caseflow.cases.forms import DATE_REQUIRED, VersionedForm, not_in_future


class PostingForm(VersionedForm):
    posted_on = DateField(_l("Posted on"), validators=[
        InputRequired(DATE_REQUIRED), not_in_future(_l("The posting date cannot be in the future."))])
    tracking_number = StringField(_l("Bpost tracking number"), validators=[
        InputRequired(_l("Give the Bpost tracking number.")), Length(max=40)],
        description=_l("Two letters, nine digits and BE (e.g. RR123456789BE), or the 24-digit barcode number."))
    delivered_on = DateField(_l("Delivered on (if the Bpost receipt shows it)"), validators=[
        Optional(), not_in_future(_l("The delivery date cannot be in the future."))],
        description=_l("Without it the letter counts as received on the third working day after posting."))
    receipt = FileField(_l("Bpost receipt (PDF or photo)"))
    submit = SubmitField(_l("Save the proof of posting"))

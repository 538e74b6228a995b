"""A run's summary in words ('6 cases changed level, 2 notices'), in the reader's language, from its counts."""
import json

from flask_babel import gettext as _
from flask_babel import ngettext

from caseflow.jobs.models import JobRun


def describe(job_id: str, counts: dict) -> str:
    """'6 cases changed level, 2 notices' in the current language, from the counts a run stored."""
    parts = []
    if counts.get("reason") == "not_working_day":
        parts.append(_("not a working day"))
    if job_id == "escalate":
        parts.append(ngettext("%(num)d case changed level", "%(num)d cases changed level", counts.get("changed", 0)))
        parts.append(ngettext("%(num)d notice", "%(num)d notices", counts.get("notices", 0)))
    elif job_id == "audit":
        parts.append(ngettext("%(num)d event checked", "%(num)d events checked", counts.get("checked", 0)))
        if counts.get("chain_broken"):
            parts.append(ngettext("audit trail tampered with: %(num)d broken link",
                                  "audit trail tampered with: %(num)d broken links", counts["chain_broken"]))
    elif job_id == "anchor":
        parts.append(ngettext("head of %(num)d event anchored", "head of %(num)d events anchored",
                              counts.get("anchored", 0)))
        parts.append(ngettext("mailed to %(num)d admin", "mailed to %(num)d admins", counts.get("mailed", 0)))
    elif job_id == "reminders" and "queued" in counts:
        parts.append(ngettext("%(num)d reminder queued", "%(num)d reminders queued", counts["queued"]))
    elif job_id == "intake":
        from caseflow.intake.poll import describe as describe_intake
        parts.extend(describe_intake(counts))
    elif job_id == "packages":
        parts.append(ngettext("%(num)d case's data package deleted", "%(num)d cases' data packages deleted",
                              counts.get("purged", 0)))
    elif job_id == "retention":
        parts.append(ngettext("%(num)d case anonymised", "%(num)d cases anonymised", counts.get("anonymised", 0)))
        parts.append(ngettext("%(num)d stray file removed", "%(num)d stray files removed", counts.get("orphans", 0)))
    elif job_id == "backup":
        if counts.get("reason") == "not_configured":
            parts.append(_("no backup folder set (CASEFLOW_BACKUP_DIR)"))
        elif "files" in counts:
            parts.append(ngettext("archive with %(num)d file", "archive with %(num)d files", counts["files"]))
    elif job_id == "mail":
        parts.append(ngettext("%(num)d sent", "%(num)d sent", counts.get("sent", 0)))
        parts.append(ngettext("%(num)d to retry", "%(num)d to retry", counts.get("deferred", 0)))
        parts.append(ngettext("%(num)d failed", "%(num)d failed", counts.get("failed", 0)))
    return ", ".join(parts)


def stored_summary(run: JobRun) -> str:
    """A stored run's summary in the current language; rows from before counts were stored keep their text."""
    if not run.summary or run.status == "running":
        return ""
    try:
        counts = json.loads(run.summary)
    except ValueError:
        return run.summary
    return describe(run.job, counts) if isinstance(counts, dict) else run.summary

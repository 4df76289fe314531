"""The audit log's CSV as a job (lms.jobs): a national log holds millions of entries, more than
a request may take to write. The job keeps the filter (plain values, as in the session) and
checks when it runs that its owner is still an administrator."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.admin.queries import AUDIT_CSV_HEADER, AuditFilter, audit_csv_rows, audit_entries
from lms.csvexport import csv_lines
from lms.extensions import db
from lms.jobs.services import JobKind, JobProblem, Progress
from lms.policy import has_role
from lms.roles import Role

PROBLEMS = {"audit-not-allowed": _l("You may no longer read the audit log.")}


def run_csv(job, progress: Progress, out: Path) -> dict:
    owner = db.session.get(User, job.owner_id)
    if owner is None or not owner.active or not has_role(owner, Role.ADMIN):
        raise JobProblem("audit-not-allowed")
    chosen = AuditFilter.from_session(job.params.get("filter"))
    total = db.session.execute(
        select(func.count()).select_from(audit_entries(chosen).subquery())
    ).scalar_one()
    progress(0, total)
    with out.open("w", encoding="utf-8", newline="") as handle:
        for done, line in enumerate(csv_lines(AUDIT_CSV_HEADER, audit_csv_rows(chosen))):
            handle.write(line)
            progress(done, total)
    return {"entries": total}


AUDIT_CSV = JobKind(
    "audit-csv", _l("Audit log entries (CSV)"), run_csv,
    suffix=".csv", mimetype="text/csv", download_name="audit-log.csv", problems=PROBLEMS,
)  # fmt: skip

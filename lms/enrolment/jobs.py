"""A cohort import as a job (lms.jobs): the file is checked in the request, so every bad line
is reported at once; the worker then creates the accounts, enrols everyone and queues the
invitation mails, all or nothing, in one unit of work."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.accounts.models import Gender, ProfileRole, User
from lms.courses.models import Course
from lms.courses.queries import course_by_slug
from lms.enrolment import cohort
from lms.extensions import db
from lms.jobs.services import JobKind, JobProblem, Progress

PROBLEMS = {
    "cohort-course": _l("The course of this import no longer exists."),
    "cohort-refused": _l("Nothing was imported: some rows were refused."),
}


def params(course: Course, rows: list[cohort.CohortRow]) -> dict:
    """The checked rows, kept until the import has run (then only their number is)."""
    return {
        "course": course.slug,
        "rows": [
            {"line": row.line, "email": row.email, "full_name": row.full_name, "gender": row.gender.value,
             "country": row.country, "institution": row.institution, "profile_role": row.profile_role.value}
            for row in rows
        ],
    }  # fmt: skip


def run_import(job, progress: Progress, out: Path | None) -> dict:
    course = course_by_slug(job.params.get("course", ""))
    if course is None:
        raise JobProblem("cohort-course")
    rows = [
        cohort.CohortRow(
            **{**row, "gender": Gender(row["gender"]), "profile_role": ProfileRole(row["profile_role"])}
        )
        for row in job.params.get("rows", [])
    ]
    result, problems = cohort.enrol_cohort(course, rows, enrolled_by=db.session.get(User, job.owner_id))
    if problems:
        raise JobProblem("cohort-refused", lines=problems)
    job.params = {"course": course.slug, "rows": len(rows)}  # people's details are not kept here
    summary = _(
        "%(enrolled)s enrolled (%(new)s new accounts, invited by email); %(already)s were already enrolled.",
        enrolled=result.enrolled,
        new=len(result.new_users),
        already=result.already,
    )
    return {"lines": [summary]}


IMPORT = JobKind("cohort-import", _l("Cohort import"), run_import, problems=PROBLEMS)

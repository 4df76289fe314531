"""The certificate ZIP as a job (lms.jobs): the same archive as the CLI, written by a worker."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask_babel import lazy_gettext as _l

from lms.certificates import documents, export, queries
from lms.jobs.services import JobKind, Progress

EMPTY_NOTE = "No certificate matched the filters of this export; register.csv has only its header.\n"


def criteria_params(criteria: queries.RegisterFilter) -> dict:
    """A filter as the job's JSON parameters."""
    return {
        "course": criteria.course,
        "since": criteria.since.isoformat() if criteria.since else "",
        "until": criteria.until.isoformat() if criteria.until else "",
        "country": criteria.country,
        "gender": criteria.gender,
        "status": criteria.status,
    }


def criteria_from(params: dict) -> queries.RegisterFilter:
    def day(value: str):
        return date.fromisoformat(value) if value else None

    return queries.RegisterFilter(
        course=params.get("course", ""),
        since=day(params.get("since", "")),
        until=day(params.get("until", "")),
        country=params.get("country", ""),
        gender=params.get("gender", ""),
        status=params.get("status", ""),
    )


def write_zip(criteria: queries.RegisterFilter, out: Path, progress: Progress) -> int:
    """Write the archive of the matching certificates to `out`; returns how many it holds."""
    total = queries.count_register(criteria)
    progress(0, total)
    done = 0

    def each(_cert) -> None:
        nonlocal done
        done += 1
        progress(done, total)

    render = documents.export_renderer(documents.layout())
    with out.open("wb") as handle:
        for chunk in export.zip_chunks(
            queries.iter_register(criteria), render, on_each=each, empty_note=EMPTY_NOTE
        ):
            handle.write(chunk)
    return total


def run_zip_job(job, progress: Progress, out: Path) -> dict:
    return {"count": write_zip(criteria_from(job.params), out, progress)}


ZIP = JobKind(
    name="certificates-zip",
    title=_l("Certificates (ZIP of PDFs and register)"),
    run=run_zip_job,
    suffix=".zip",
    mimetype="application/zip",
    download_name="certificates.zip",
)

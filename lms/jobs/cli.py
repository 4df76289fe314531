"""What the export commands share when they run `--queued`: the job is followed from the
terminal with a progress bar, then its file is copied to the path the operator asked for."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

from lms.jobs import services


def follow_into(job_id: int, out: Path, *, total: int | None, progress_label: str) -> None:
    """Show job `job_id`'s progress until it ends, then copy its file to `out` (through
    `out.part` and a rename, so a failure leaves no half-written file). ClickException when
    the job failed."""
    click.echo(f"Queued as job {job_id}: {services.page_url(job_id)}")
    with click.progressbar(length=total or 1, label=progress_label, file=sys.stderr) as bar:
        job = services.follow(job_id, lambda done: bar.update(done - bar.pos))
        bar.update(bar.length - bar.pos)
    if job.problem:
        raise click.ClickException(f"Job {job_id} failed: {services.problem_text(job)}")
    partial = out.with_name(out.name + ".part")
    try:
        shutil.copyfile(services.stored_file(job), partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)

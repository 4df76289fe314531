"""Certificate PDFs: time per certificate in three scripts, and bulk ZIP export at two sizes.

1. Median time to generate one certificate PDF (Latin, CJK, Arabic names) against a baseline
   measured in the same run: a plain reportlab page with the same number of text lines in
   Helvetica. Goal: under 20 ms each. A cached read (the PDF read back from instance/) is
   shown too, to decide whether caching pays.
2. Bulk export (`flask certificates export` without filters) of N certificates seeded with bulk
   inserts into a temporary SQLite database, each size in a fresh child process so its peak
   resident memory (ru_maxrss) is its own. Goal: the peak at the larger size no more than 10%
   above the smaller one.

Usage: python -m bench certificates, or python -m bench.bench_certificates [--sizes 1000,10000]
"""

from __future__ import annotations

import argparse
import functools
import io
import multiprocessing
import os
import resource
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

NAMES = {
    "Latin": "Nguyễn Thị Phương",
    "CJK": "佐藤 花子",
    "Arabic": "فاطمة الزهراء",
}
COURSE_TITLE = "Digital Pedagogy for University Teachers"
REPEAT = 40


def make_app(database_uri: str, data_dir: str):
    from lms import create_app

    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database_uri,
            "INSTANCE_DATA_DIR": data_dir,
            "CERTIFICATE_SIGNATORY": "Dr Amina Diallo",
            "CERTIFICATE_SIGNATORY_TITLE": "Director, Centre for ICT in Higher Education",
        }
    )


def sample_certificate(name: str):
    from lms.certificates import codes
    from lms.certificates.models import Certificate, CertificateStatus

    moment = datetime(2026, 11, 3, 10, 0, tzinfo=UTC).replace(tzinfo=None)
    return Certificate(
        id=1, code=codes.new_code(), user_id=1, course_id=1, status=CertificateStatus.VALID,
        holder_name=name, course_title=COURSE_TITLE, course_version="1.0", hours=12.0, language="en",
        completed_at=moment, issued_at=moment, issuer_name="ICT in Higher Education Learning Platform",
        signatory="Dr Amina Diallo",
    )  # fmt: skip


def baseline_pdf(name: str) -> bytes:
    """A plain page with as many lines of text, in Helvetica: what reportlab costs by itself."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=landscape(A4), invariant=1)
    for index, text in enumerate(
        [
            "ICT IN HIGHER EDUCATION",
            "Certificate of Completion",
            "This is to certify that",
            name.encode("ascii", "replace").decode(),
            "has successfully completed the course",
            COURSE_TITLE,
            "12 hours - completed on 3 November 2026 - version 1.0",
            "Dr Amina Diallo",
            "Director",
            "Verification code",
            "7KQ4-M2XC-9PDA-T1HV-R",
            "Check this certificate at",
            "127.0.0.1:5000/verify/7KQ4-M2XC-9PDA-T1HV-R",
        ]  # fmt: skip
    ):
        canvas.setFont("Helvetica", 14)
        canvas.drawCentredString(420, 560 - index * 40, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def median_ms(function, repeat: int = REPEAT) -> float:
    function()  # warm-up: fonts registered, shaping cached for the labels
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def per_certificate(data_dir: str) -> list[tuple[str, float, float]]:
    from lms.certificates import documents

    app = make_app("sqlite://", data_dir)
    rows = []
    with app.app_context():
        page_layout = documents.layout()
        for script, name in NAMES.items():
            cert = sample_certificate(name)
            ours = median_ms(functools.partial(documents.certificate_pdf, cert, page_layout))
            rows.append((script, ours, median_ms(functools.partial(baseline_pdf, name))))
        cached = Path(data_dir) / "cached.pdf"
        cached.write_bytes(documents.certificate_pdf(sample_certificate("Nguyễn Thị Phương"), page_layout))
        rows.append(("cached read (file)", median_ms(cached.read_bytes), rows[0][2]))
    return rows


# --- bulk export ------------------------------------------------------------------------------

LATIN = ["Amina", "Kofi", "Nguyễn", "Thị", "Oluwaseun", "María", "José", "Ngozi", "Tendai", "Aung"]
CJK = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "花", "子", "明", "丽", "伟"]
ARABIC = ["فاطمة", "محمد", "علي", "زينب", "حسن", "مريم", "عمر", "ليلى", "يوسف", "سارة"]


def holder_name(index: int) -> str:
    """Distinct names in three scripts, so shaping caches do not flatter the figures."""
    script = index % 3
    if script == 0:
        return f"{LATIN[index % 10]} {LATIN[(index // 10) % 10]} {index}"
    if script == 1:
        return (
            CJK[index % 15] + CJK[(index // 15) % 15] + CJK[(index // 225) % 15] + CJK[(index // 3375) % 15]
        )
    return f"{ARABIC[index % 10]} {ARABIC[(index // 10) % 10]} {ARABIC[(index // 100) % 10]}"


def seed(count: int) -> None:
    from sqlalchemy import insert

    from lms.accounts.models import User
    from lms.certificates import codes
    from lms.certificates.models import Certificate
    from lms.courses.models import Audience, Course
    from lms.extensions import db

    db.create_all()
    moment = datetime(2026, 11, 3, 10, 0)
    course = Course(slug="bench", title=COURSE_TITLE, audience=Audience.FACULTY, hours=12.0)
    db.session.add(course)
    db.session.flush()
    db.session.execute(
        insert(User),
        [{"id": i + 1, "email": f"p{i}@example.org", "full_name": holder_name(i), "password_hash": "", "country": "KE"} for i in range(count)],
    )  # fmt: skip
    db.session.execute(
        insert(Certificate),
        [
            {
                "code": codes.new_code(),
                "user_id": i + 1,
                "course_id": course.id,
                "holder_name": holder_name(i),
                "course_title": COURSE_TITLE,
                "course_version": "1.0",
                "hours": 12.0,
                "language": "en",
                "completed_at": moment,
                "issued_at": moment,
                "issuer_name": "ICT in Higher Education Learning Platform",
                "signatory": "Dr Amina Diallo",
            }  # fmt: skip
            for i in range(count)
        ],
    )
    db.session.commit()


def export_once(count: int, queue) -> None:
    """In a child process: seed `count` certificates, export them, report time, size, peak RSS."""
    from lms.certificates import documents, export, queries

    with tempfile.TemporaryDirectory() as folder:
        app = make_app(f"sqlite:///{folder}/bench.sqlite3", folder)
        with app.app_context():
            seed(count)
            out = Path(folder) / "export.zip"
            render = documents.export_renderer(documents.layout())
            started = time.perf_counter()
            with out.open("wb") as handle:
                for chunk in export.zip_chunks(queries.iter_register(queries.RegisterFilter()), render):
                    handle.write(chunk)
            elapsed = time.perf_counter() - started
            size = out.stat().st_size
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((count, elapsed, size, peak_kib))


def bulk(sizes: list[int]) -> list[tuple[int, float, int, int]]:
    context = multiprocessing.get_context("spawn")
    results = []
    for count in sizes:
        queue = context.Queue()
        child = context.Process(target=export_once, args=(count, queue))
        child.start()
        results.append(queue.get())
        child.join()
    return results


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench_certificates")
    parser.add_argument("--sizes", default="1000,10000", help="certificate counts for the bulk export")
    parser.add_argument("--skip-bulk", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        rows = per_certificate(folder)
    print("| One certificate PDF | median ms | baseline ms (Helvetica page) | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for label, ours, baseline in rows:
        print(f"| {label} | {ours:.1f} | {baseline:.1f} | {ours / baseline:.2f} |")
    print(f"\n(median of {REPEAT} runs after one warm-up; goal: under 20 ms per certificate)")
    if args.skip_bulk:
        return

    sizes = [int(size) for size in args.sizes.split(",")]
    results = bulk(sizes)
    first = results[0]
    print("\n| Bulk export | total s | ms per certificate | archive MB | peak RSS MB | peak ratio to first |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for count, elapsed, size, peak in results:
        print(
            f"| {count:,} | {elapsed:.1f} | {elapsed / count * 1000:.1f} | {size / 1e6:.1f} "
            f"| {peak / 1024:.0f} | {peak / first[3]:.2f} |"
        )
    print(f"\n(each size in a fresh process on {os.cpu_count()} CPUs; goal: peak ratio at most 1.10)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])

"""Bulk export: a ZIP of certificate PDFs and a register CSV, produced as a stream of chunks.

`zip_chunks` writes the archive through `zipfile` into a small pipe-like buffer and yields
whatever has accumulated after each member, so neither the archive nor more than one PDF is
ever held in memory: a browser download or a CLI file grows while memory stays flat.
"""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator

from lms.certificates.models import Certificate
from lms.certificates.queries import REGISTER_HEADER, register_row
from lms.csvexport import csv_lines

REGISTER_NAME = "register.csv"
EMPTY_NOTE_NAME = "README.txt"
PROBLEMS_NAME = "problems.txt"


class _Pipe(io.RawIOBase):
    """A write-only, unseekable file whose contents are taken away as they arrive.

    zipfile notices it cannot seek and writes data descriptors after each member instead.
    """

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def _member(name: str, moment) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=moment.timetuple()[:6] if moment else (1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    return info


def pdf_name(cert: Certificate) -> str:
    return f"certificates/{cert.course.slug}/{cert.code}.pdf"


def zip_chunks(
    certificates: Iterable[Certificate],
    render: Callable[[Certificate], bytes | None],
    *,
    on_each: Callable[[Certificate], None] | None = None,
    empty_note: str = "",
) -> Iterator[bytes]:
    """Yield a ZIP archive piece by piece: one PDF per certificate, then `register.csv`.

    The register lists what the archive holds (a header only when nothing matched; then
    `empty_note` is added as README.txt so the archive explains itself). While PDFs are
    written, the register accumulates in a temporary file on disk, not in memory. PDFs are
    stored, not deflated: they are compressed already. When `render` returns None (a name no
    font can print) the certificate is listed in `problems.txt` instead of failing the export.
    """
    pipe = _Pipe()
    count = 0

    def rows() -> Iterator[list]:
        nonlocal count
        for cert in certificates:
            data = render(cert)
            if data is None:
                problems.write(
                    f"{cert.code}: the holder's name contains characters no font can print\n".encode()
                )
            else:
                archive.writestr(_member(pdf_name(cert), cert.issued_at), data)
            count += 1
            if on_each is not None:
                on_each(cert)
            yield register_row(cert)

    with (
        tempfile.TemporaryFile() as register,
        tempfile.TemporaryFile() as problems,
        zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive,
    ):
        for line in csv_lines(REGISTER_HEADER, rows()):
            register.write(line.encode("utf-8"))
            yield pipe.take()
        register.seek(0)
        info = _member(REGISTER_NAME, None)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            shutil.copyfileobj(register, member, 64 * 1024)
        if problems.tell():
            problems.seek(0)
            archive.writestr(_member(PROBLEMS_NAME, None), problems.read())
        if count == 0 and empty_note:
            archive.writestr(_member(EMPTY_NOTE_NAME, None), empty_note.encode("utf-8"))
    yield pipe.take()

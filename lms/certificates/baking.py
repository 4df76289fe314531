"""Credentials that travel inside files: baked PNG badges (Open Badges 3.0 baking) and the
credential embedded in the certificate PDF; and getting them out again from an upload.

OB 3.0 baking puts the credential in a PNG `iTXt` chunk with the keyword
`openbadgecredential`, uncompressed, its text the credential's JSON (or a compact JWT). The
reader below walks PNG chunks itself, checking lengths and CRCs, so a hostile file can only make
it stop early; PDFs are read with pypdf, whose errors on a malformed file become `FileProblem`.
"""

from __future__ import annotations

import io
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
MAX_CREDENTIAL = 1_000_000  # bytes of credential text; ours are about 3 KB
MAX_CHUNKS = 10_000
PDF_NAME = "credential.json"


class FileProblem(ValueError):
    """The file cannot be read for a credential; `code` names why (for the page to say)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _chunks(png: bytes):
    """(type, data) of each chunk; FileProblem("malformed") for a broken file."""
    if not png.startswith(PNG_SIGNATURE):
        raise FileProblem("malformed")
    position = len(PNG_SIGNATURE)
    for _ in range(MAX_CHUNKS):
        if position + 12 > len(png):
            raise FileProblem("malformed")
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        end = position + 12 + length
        if length > len(png) or end > len(png):
            raise FileProblem("malformed")
        data = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[end - 4 : end])
        if crc != zlib.crc32(kind + data):
            raise FileProblem("malformed")
        yield kind, data
        if kind == b"IEND":
            return
        position = end
    raise FileProblem("malformed")


def bake_png(image: bytes, credential: str) -> bytes:
    """`image` with `credential` in an `iTXt` chunk before IEND (any earlier one replaced)."""
    text = KEYWORD + b"\0" + b"\0\0" + b"\0" + b"\0" + credential.encode("utf-8")
    out = [PNG_SIGNATURE]
    for kind, data in _chunks(image):
        if kind == b"iTXt" and data.startswith(KEYWORD + b"\0"):
            continue
        if kind == b"IEND":
            out.append(_chunk(b"iTXt", text))
        out.append(_chunk(kind, data))
    return b"".join(out)


def png_credential(png: bytes) -> str:
    """The text of the baked credential. Raises FileProblem: `malformed`, `no-credential`."""
    for kind, data in _chunks(png):
        if kind != b"iTXt" or not data.startswith(KEYWORD + b"\0"):
            continue
        rest = data[len(KEYWORD) + 1 :]
        if len(rest) < 2:
            raise FileProblem("malformed")
        compressed, method, rest = rest[0], rest[1], rest[2:]
        parts = rest.split(b"\0", 2)  # language tag, translated keyword, text
        if len(parts) != 3:
            raise FileProblem("malformed")
        text = parts[2]
        if compressed:
            if method != 0:
                raise FileProblem("malformed")
            inflater = zlib.decompressobj()
            try:
                text = inflater.decompress(text, MAX_CREDENTIAL + 1)
            except zlib.error:
                raise FileProblem("malformed") from None
        if len(text) > MAX_CREDENTIAL:
            raise FileProblem("too-large")
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError:
            raise FileProblem("malformed") from None
    raise FileProblem("no-credential")


def pdf_credential(document: bytes) -> str:
    """The credential embedded in a certificate PDF. Raises FileProblem: `malformed`,
    `no-credential`, `too-large`."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(document), strict=False)
        files = reader.attachments
        contents = files.get(PDF_NAME) if PDF_NAME in files else None
    # pypdf raises many kinds of error on a hostile file (its own, ValueError, KeyError,
    # TypeError, zlib.error, RecursionError ...); none of them may become a 500.
    except Exception:  # noqa: BLE001
        raise FileProblem("malformed") from None
    if not contents:
        raise FileProblem("no-credential")
    data = contents[0]
    if len(data) > MAX_CREDENTIAL:
        raise FileProblem("too-large")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise FileProblem("malformed") from None


def credential_text(upload: bytes) -> tuple[str, str]:
    """(kind, credential text) of an uploaded file: a PDF, a PNG, or the credential itself
    (JSON or JWT). Raises FileProblem."""
    head = upload[:16].lstrip()
    if upload.startswith(b"%PDF-"):
        return "pdf", pdf_credential(upload)
    if upload.startswith(PNG_SIGNATURE):
        return "png", png_credential(upload)
    if head.startswith((b"{", b"ey")):
        if len(upload) > MAX_CREDENTIAL:
            raise FileProblem("too-large")
        try:
            return ("json" if head.startswith(b"{") else "jwt"), upload.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise FileProblem("malformed") from None
    raise FileProblem("unsupported-file")

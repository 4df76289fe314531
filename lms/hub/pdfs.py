"""PDF attachments: accepted only when pypdf reads them as a PDF with nothing active inside, and
made from a publication's Markdown for the seed.

Refused: anything that is not a PDF whatever its name, a file over MAX_PDF_BYTES, an encrypted
PDF (its text cannot be indexed and readers may not open it), and a PDF carrying JavaScript,
launch actions or embedded files (checked both in the parsed catalogue and as raw names, since
a name can hide in an object stream the catalogue walk does not reach).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import gettext as _

ACTIVE_NAMES = re.compile(rb"/(?:JavaScript|Launch|EmbeddedFiles?|RichMedia)(?![A-Za-z])")


class PdfRefused(ValueError):
    """The file is not a PDF the hub stores; `code` says why, `message()` in words."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self) -> str:
        return {
            "type": lambda: _("The file is not a PDF."),
            "size": lambda limit: _("PDF files can be at most %(size)s MB.", size=limit),
            "broken": lambda: _("The PDF cannot be read."),
            "encrypted": lambda: _("The PDF is encrypted; upload it without a password."),
            "active": lambda: _("The PDF contains JavaScript, actions or embedded files; it is refused."),
        }[self.code](**self.params)

    def __str__(self) -> str:
        return self.message()


@dataclass(frozen=True)
class CheckedPdf:
    data: bytes
    pages: int
    text: str


def check_pdf(data: bytes, max_bytes: int) -> CheckedPdf:
    """Parse `data` with pypdf and return it with its page count and text. Raises PdfRefused."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if len(data) > max_bytes:
        raise PdfRefused("size", limit=round(max_bytes / 1_000_000, 1))
    if not data.lstrip(b"\r\n\t ")[:5] == b"%PDF-":
        raise PdfRefused("type")
    if ACTIVE_NAMES.search(data):
        raise PdfRefused("active")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise PdfRefused("encrypted")
        root = reader.trailer["/Root"]
        names = root.get("/Names")
        if names is not None and _active_names(names.get_object()):
            raise PdfRefused("active")
        pages = len(reader.pages)
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except PdfRefused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        raise PdfRefused("broken") from None
    return CheckedPdf(data, pages, text.replace("\x00", ""))


def _active_names(names) -> bool:
    return any(key in names for key in ("/JavaScript", "/EmbeddedFiles"))


# --- seed PDFs ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from lms.paths import PACKAGE_DIR

    pdfmetrics.registerFont(
        TTFont("HubSans", str(PACKAGE_DIR / "typography" / "fonts" / "NotoSans-Regular.ttf"))
    )
    return "HubSans"


def _inline(text: str) -> str:
    """Markdown emphasis to reportlab's paragraph markup, everything else escaped. (The shipped
    Noto Sans has one weight: bold is drawn as underlined text would not be; we keep the words.)"""
    from xml.sax.saxutils import escape

    text = escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    return re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"<i>\1</i>", text)


def markdown_pdf(title: str, front: list[str], notice: str | None, body: str) -> bytes:
    """A simple A4 PDF of a publication: title, the front lines (authors, date, type, licence),
    the illustrative notice if any, then the body's headings, paragraphs, lists and tables.
    Deterministic (reportlab's invariant mode), so the same text gives the same file and hash."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import ListFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font()
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, spaceAfter=6)
    styles = {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=23, spaceAfter=10),
        "h2": ParagraphStyle("h2", parent=base, fontSize=13, leading=17, spaceBefore=10),
        "h3": ParagraphStyle("h3", parent=base, fontSize=11, leading=15, spaceBefore=6),
        "front": ParagraphStyle("front", parent=base, fontSize=9, leading=12, spaceAfter=2),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10, spaceAfter=0),
    }
    story = [Paragraph(_inline(title), styles["title"])]
    story += [Paragraph(_inline(line), styles["front"]) for line in front]
    story.append(Spacer(1, 4 * mm))
    if notice:
        story.append(Paragraph(_inline(notice), base))
    lines = body.splitlines()
    index = 0
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            story.append(Paragraph(_inline(" ".join(paragraph)), base))
            paragraph.clear()

    while index < len(lines):
        line = lines[index].rstrip()
        if not line.strip():
            flush()
        elif line.startswith("### ") or line.startswith("## "):
            flush()
            level = "h3" if line.startswith("### ") else "h2"
            story.append(Paragraph(_inline(line.lstrip("#").strip()), styles[level]))
        elif re.match(r"\s*([-*]|\d+\.)\s+", line):
            flush()
            items, ordered = [], bool(re.match(r"\s*\d+\.", line))
            while index < len(lines) and re.match(r"\s*([-*]|\d+\.)\s+", lines[index]):
                text = re.sub(r"^\s*([-*]|\d+\.)\s+", "", lines[index])
                while (
                    index + 1 < len(lines) and lines[index + 1].startswith("  ") and lines[index + 1].strip()
                ):
                    index += 1
                    text += " " + lines[index].strip()
                items.append(Paragraph(_inline(text), base))
                index += 1
            story.append(ListFlowable(items, bulletType="1" if ordered else "bullet", bulletFontName=font))
            continue
        elif line.startswith("|"):
            flush()
            rows = []
            while index < len(lines) and lines[index].startswith("|"):
                cells = [cell.strip() for cell in lines[index].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-+:?", cell) for cell in cells):
                    rows.append([Paragraph(_inline(cell), styles["cell"]) for cell in cells])
                index += 1
            table = Table(rows, repeatRows=1)
            table.setStyle(
                TableStyle(
                    [("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
                )
            )
            story += [table, Spacer(1, 3 * mm)]
            continue
        else:
            paragraph.append(line.strip())
        index += 1
    flush()
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, title=title, invariant=1, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm
    )
    document.build(story)
    return out.getvalue()

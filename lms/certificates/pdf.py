"""The certificate as a PDF: one landscape page, centred so it reads the same in any direction.

Names and course titles go through `typesetting` (any script, shaped, bidi-ordered); the labels
are printed in the certificate's language with the same functions. Generation is deterministic:
reportlab's invariant mode, a creation date taken from `issued_at` and a QR code drawn by
reportlab itself, so the same certificate always gives the same bytes.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import force_locale
from flask_babel import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape, letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from lms.certificates.models import Certificate
from lms.typography import typesetting

PAGE_SIZES = {"A4": landscape(A4), "LETTER": landscape(letter)}

INK = HexColor("#1f2933")
NAVY = HexColor("#1d3557")
GOLD = HexColor("#a8874f")
MUTED = HexColor("#52606d")
RULE = HexColor("#c9ced6")
PAPER = HexColor("#fbfaf6")

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur", "ps", "dv", "ckb", "yi"})


@dataclass(frozen=True)
class Layout:
    """What a deployment decides about every certificate it prints (from configuration)."""

    page_size: str = "A4"
    logo_path: str | None = None
    signatory_title: str = ""
    interface_languages: tuple[str, ...] = ("en",)


TITLE = "Certificate of Completion"


def _label_language(cert: Certificate, layout: Layout) -> str:
    """The certificate's language if the platform's translations cover the certificate, else the
    default language: a page half in one language (and a date in another) helps nobody."""
    default = layout.interface_languages[0]
    language = cert.language if cert.language in layout.interface_languages else default
    if language != default:
        with force_locale(language):
            if _(TITLE) == TITLE:
                return default
    return language


def _labels(cert: Certificate, language: str) -> dict[str, str]:
    """Every printed label in `language`."""
    with force_locale(language):
        hours = format_decimal(cert.hours, format="#,##0.#", locale=language)
        date = format_date(cert.completed_at.date(), format="long", locale=language)
        return {
            "title": _("Certificate of Completion"),
            "certify": _("This is to certify that"),
            "completed": _("has successfully completed the course"),
            "details": _(
                "%(hours)s hours · completed on %(date)s · version %(version)s",
                hours=hours,
                date=date,
                version=cert.course_version,
            ),
            "code": _("Verification code"),
            "verify": _("Check this certificate at"),
        }


def _pdf_date(moment: datetime):
    """A reportlab date formatter that prints `moment` (UTC) whatever it is asked."""
    stamp = moment.strftime("D:%Y%m%d%H%M%S+00'00'")
    return lambda *ignored: stamp


CREDENTIAL_FILE = "credential.json"


def render(cert: Certificate, verify_url: str, layout: Layout, credential: bytes | None = None) -> bytes:
    """The certificate's PDF, with `credential` (the signed Open Badge, JSON) as an embedded
    file when given, so the PDF alone can be verified offline. Raises
    typesetting.UnprintableTextError if the name cannot be printed."""
    language = _label_language(cert, layout)
    labels = _labels(cert, language)
    rtl = language.split("-")[0] in RTL_LANGUAGES
    width, height = PAGE_SIZES.get(layout.page_size.upper(), PAGE_SIZES["A4"])
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=1)
    canvas.setDateFormatter(_pdf_date(cert.issued_at))
    canvas.setTitle(f"{labels['title']} – {cert.course_title}")
    canvas.setSubject(f"{cert.holder_name} – {cert.course_title} ({cert.code})")
    canvas.setAuthor(cert.issuer_name)
    canvas.setKeywords([cert.holder_name, cert.course_title, cert.code])
    canvas.setCreator(cert.issuer_name)

    _frame(canvas, width, height)
    centre = width / 2
    line = typesetting.draw_text_line
    top = height - 70
    if layout.logo_path:
        top = _logo(canvas, layout.logo_path, centre, top)
    canvas.setFillColor(MUTED)
    line(canvas, cert.issuer_name.upper(), centre, top - 20, 12, "centre", language)
    canvas.setFillColor(NAVY)
    line(canvas, labels["title"], centre, top - 74, 34, "centre", language)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1.5)
    canvas.line(centre - 45, top - 94, centre + 45, top - 94)
    canvas.setFillColor(MUTED)
    line(canvas, labels["certify"], centre, top - 134, 13, "centre", language)
    canvas.setFillColor(INK)
    typesetting.draw_name(canvas, cert.holder_name, centre, top - 192, 40, width - 220, cert.language)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.75)
    canvas.line(centre - 210, top - 212, centre + 210, top - 212)
    canvas.setFillColor(MUTED)
    line(canvas, labels["completed"], centre, top - 242, 13, "centre", language)
    canvas.setFillColor(NAVY)
    typesetting.draw_name(canvas, cert.course_title, centre, top - 280, 22, width - 220, cert.language)
    canvas.setFillColor(MUTED)
    line(canvas, labels["details"], centre, top - 308, 11.5, "centre", language)

    signature_x, proof_x = (width - 200, 72) if rtl else (200, width - 72)
    _signature(canvas, cert, layout, signature_x, language)
    _proof(canvas, cert, labels, verify_url, proof_x, rtl, language)
    if credential is not None:
        _attach(canvas, CREDENTIAL_FILE, credential, "application/vc", "Open Badges 3.0 credential")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _attach(canvas: Canvas, name: str, data: bytes, mimetype: str, description: str) -> None:
    """An embedded file (PDF 1.7 section 7.11.4), listed in the catalogue's EmbeddedFiles name
    tree. reportlab has no API for this, so the objects are built with its pdfdoc classes and
    hung on the catalogue (whose `Names` entry reportlab writes when set)."""
    document = canvas._doc
    stream = pdfdoc.PDFStream(
        pdfdoc.PDFDictionary(
            {
                "Type": pdfdoc.PDFName("EmbeddedFile"),
                # A name: PDFName would leave the "/" of the media type unescaped.
                "Subtype": pdfdoc.PDFName(mimetype.replace("/", " ")).replace("#20", "#2F"),
                "Params": pdfdoc.PDFDictionary({"Size": len(data)}),
            }
        ),
        data,
        filters=[pdfdoc.PDFZCompress],
    )
    spec = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("Filespec"),
            "F": pdfdoc.PDFString(name),
            "UF": pdfdoc.PDFString(name),
            "Desc": pdfdoc.PDFString(description),
            "AFRelationship": pdfdoc.PDFName("Data"),
            "EF": pdfdoc.PDFDictionary({"F": document.Reference(stream)}),
        }
    )
    spec_ref = document.Reference(spec)
    names = pdfdoc.PDFArray([pdfdoc.PDFString(name), spec_ref])
    document.Catalog.Names = pdfdoc.PDFDictionary({"EmbeddedFiles": pdfdoc.PDFDictionary({"Names": names})})


def _frame(canvas: Canvas, width: float, height: float) -> None:
    canvas.setFillColor(PAPER)
    canvas.rect(0, 0, width, height, stroke=0, fill=1)
    canvas.setStrokeColor(NAVY)
    canvas.setLineWidth(2.5)
    canvas.rect(20, 20, width - 40, height - 40, stroke=1, fill=0)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(0.8)
    canvas.rect(28, 28, width - 56, height - 56, stroke=1, fill=0)


def _logo(canvas: Canvas, path: str, centre: float, top: float) -> float:
    """Draw the configured logo centred at the top (at most 56 pt high); return the new top."""
    image = ImageReader(path)
    image_width, image_height = image.getSize()
    drawn_height = min(56.0, image_height)
    drawn_width = image_width * drawn_height / image_height
    canvas.drawImage(
        image, centre - drawn_width / 2, top - drawn_height + 20, drawn_width, drawn_height, mask="auto"
    )
    return top - drawn_height + 6


def _signature(canvas: Canvas, cert: Certificate, layout: Layout, x: float, language: str) -> None:
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.75)
    canvas.line(x - 110, 112, x + 110, 112)
    canvas.setFillColor(INK)
    typesetting.draw_name(canvas, cert.signatory or cert.issuer_name, x, 96, 12, 220, language)
    if layout.signatory_title:
        canvas.setFillColor(MUTED)
        typesetting.draw_name(canvas, layout.signatory_title, x, 82, 9.5, 220, language)


def _proof(canvas, cert, labels, verify_url: str, edge: float, rtl: bool, language: str) -> None:
    """QR code in the outer corner, with the code and the address beside it."""
    size = 84
    qr_x = edge if rtl else edge - size
    _draw_qr(canvas, verify_url, qr_x, 56, size)
    text_x, align = (edge + size + 12, "left") if rtl else (edge - size - 12, "right")
    line = typesetting.draw_text_line
    canvas.setFillColor(MUTED)
    line(canvas, labels["code"], text_x, 118, 9, align, language)
    canvas.setFillColor(NAVY)
    line(canvas, cert.code, text_x, 100, 14, align, "en")
    canvas.setFillColor(MUTED)
    line(canvas, labels["verify"], text_x, 80, 8, align, language)
    address = verify_url.split("://", 1)[-1]
    line(canvas, address, text_x, 68, 8, align, "en")


#: QR mask pattern. Any of the eight masks gives a standard QR code every reader decodes; the
#: encoder's search for the "best" one (eight trial encodings scored by four penalty rules) took
#: ~35 ms, more than the rest of the certificate, for no gain a phone camera notices.
QR_MASK = 0


def _draw_qr(canvas: Canvas, value: str, x: float, y: float, size: float) -> None:
    """Draw `value` as a QR code (reportlab's encoder, error correction M) in a `size` square.

    The modules are drawn as one filled path of horizontal runs instead of reportlab's widget
    drawing (one shape object per run): the same picture, in a fraction of the time.
    """
    qr = QrCodeWidget(value, barLevel="M").qr
    qr.version = qr.calculate_version()
    qr.makeImpl(False, QR_MASK)
    count = qr.getModuleCount()
    module = size / count
    path = canvas.beginPath()
    for row_index, row in enumerate(qr.modules):
        top = y + size - (row_index + 1) * module
        column = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                path.rect(x + column * module, top, length * module, module)
            column += length
    canvas.setFillColor(INK)
    canvas.drawPath(path, stroke=0, fill=1)

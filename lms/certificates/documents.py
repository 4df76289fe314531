"""From a Certificate to what people download: its PDF and its signed credential.

The glue between the pure renderers (`pdf`, `credential`) and the application: settings,
absolute URLs (always from BASE_URL, in requests and in the CLI alike: `lms.links`).
"""

from __future__ import annotations

from flask import current_app

from lms.certificates import credential, pdf
from lms.certificates.models import Certificate
from lms.links import absolute_url
from lms.typography.coverage import UnprintableTextError


def verification_url(code: str) -> str:
    return absolute_url("certificates.verify_code", code=code)


def credential_url(code: str) -> str:
    return absolute_url("certificates.credential", code=code)


def issuer_url() -> str:
    return absolute_url("certificates.issuer")


def layout() -> pdf.Layout:
    config = current_app.config
    return pdf.Layout(
        page_size=config["CERTIFICATE_PAGE_SIZE"],
        logo_path=config["CERTIFICATE_LOGO"] or None,
        signatory_title=config["CERTIFICATE_SIGNATORY_TITLE"],
        interface_languages=tuple(config["LANGUAGES"]),
    )


def certificate_pdf(cert: Certificate, page_layout: pdf.Layout | None = None) -> bytes:
    """The PDF bytes. Raises typesetting.UnprintableTextError for a name no font can print."""
    return pdf.render(cert, verification_url(cert.code), page_layout or layout())


def export_renderer(page_layout: pdf.Layout):
    """A renderer for bulk exports: a name no font can print yields None (listed, not fatal)."""

    def render(cert: Certificate) -> bytes | None:
        try:
            return pdf.render(cert, verification_url(cert.code), page_layout)
        except UnprintableTextError:
            return None

    return render


def signed_credential(cert: Certificate) -> dict:
    issuer = issuer_url()
    document = credential.unsigned_credential(
        cert,
        verify_url=verification_url(cert.code),
        status_url=absolute_url("certificates.verify_json", code=cert.code),
        issuer_url=issuer,
    )
    return credential.sign(document, issuer)


def issuer_profile() -> dict:
    return credential.issuer_document(issuer_url())


def pdf_filename(cert: Certificate) -> str:
    return f"certificate-{cert.course.slug}-{cert.code}.pdf"

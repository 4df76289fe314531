"""From a Certificate to what people download: its PDF and its signed credential.

The glue between the pure renderers (`pdf`, `credential`) and the application: settings,
absolute URLs (from the request, or CERTIFICATE_BASE_URL in the CLI: see `base_url_context`).
"""

from __future__ import annotations

from contextlib import contextmanager

from flask import current_app, has_request_context, url_for

from lms.certificates import credential, pdf
from lms.certificates.models import Certificate
from lms.typography.coverage import UnprintableTextError


def verification_url(code: str) -> str:
    return url_for("certificates.verify_code", code=code, _external=True)


def issuer_url() -> str:
    return url_for("certificates.issuer", _external=True)


@contextmanager
def base_url_context():
    """Outside a request (CLI, benchmark), build absolute URLs from CERTIFICATE_BASE_URL."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["CERTIFICATE_BASE_URL"]):
        yield


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
        status_url=url_for("certificates.verify_json", code=cert.code, _external=True),
        issuer_url=issuer,
    )
    return credential.sign(document, issuer)


def issuer_profile() -> dict:
    return credential.issuer_document(issuer_url())


def pdf_filename(cert: Certificate) -> str:
    return f"certificate-{cert.course.slug}-{cert.code}.pdf"

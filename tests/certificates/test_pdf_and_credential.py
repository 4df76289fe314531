"""The PDF is deterministic and configurable; the signing key is private and stable."""

from __future__ import annotations

import io
import os
import stat

import pytest
from PIL import Image
from pypdf import PdfReader

from lms.certificates import documents, keys


def render(app, cert, **config) -> bytes:
    saved = {key: app.config[key] for key in config}
    app.config.update(config)
    try:
        return documents.certificate_pdf(cert)
    finally:
        app.config.update(saved)


def test_the_same_certificate_gives_the_same_bytes(app, certified):
    _user, cert = certified()
    assert render(app, cert) == render(app, cert)


def test_creation_date_comes_from_the_issue_date(app, certified):
    _user, cert = certified()
    info = PdfReader(io.BytesIO(render(app, cert))).metadata
    assert info["/CreationDate"].startswith("D:" + cert.issued_at.strftime("%Y%m%d%H%M%S"))


def test_a4_landscape_by_default_and_letter_when_configured(app, certified):
    _user, cert = certified()
    a4 = PdfReader(io.BytesIO(render(app, cert))).pages[0].mediabox
    letter = PdfReader(io.BytesIO(render(app, cert, CERTIFICATE_PAGE_SIZE="Letter"))).pages[0].mediabox
    assert (round(a4.width), round(a4.height)) == (842, 595)
    assert (round(letter.width), round(letter.height)) == (792, 612)


@pytest.mark.parametrize("name", ["王秀英", "فاطمة الزهراء", "प्रिया शर्मा", "Ọlọ́runfẹ́mi Adébáyọ̀"])
def test_names_in_any_script_are_printed(app, certified, name):
    _user, cert = certified(full_name=name)
    info = PdfReader(io.BytesIO(render(app, cert))).metadata
    assert name in info.subject


def test_the_logo_is_drawn_when_configured(app, certified, tmp_path):
    _user, cert = certified()
    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), "#1d3557").save(logo)
    with_logo = render(app, cert, CERTIFICATE_LOGO=str(logo))
    assert b"/Subtype /Image" in with_logo and b"/Subtype /Image" not in render(app, cert)


def test_the_qr_code_and_printed_address_hold_the_absolute_verification_url(app, certified):
    _user, cert = certified()
    text = (
        PdfReader(io.BytesIO(render(app, cert, BASE_URL="https://learn.example.org"))).pages[0].extract_text()
    )
    assert f"learn.example.org/verify/{cert.code}" in text


def test_signing_key_is_private_and_stable(app, app_context):
    first = keys.current_multikey()
    assert keys.current_multikey() == first
    mode = stat.S_IMODE(os.stat(app.config["CERTIFICATE_KEY_PATH"]).st_mode)
    assert mode == 0o600


def test_the_qr_code_decodes_to_the_verification_url(app, certified, tmp_path):
    """Decoded with zbar, as a phone would. Needs poppler-utils and zbar-tools (apt)."""
    import shutil
    import subprocess

    if not shutil.which("zbarimg"):
        pytest.skip("zbarimg missing: apt-get install -y zbar-tools")
    _user, cert = certified()
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(render(app, cert, BASE_URL="https://learn.example.org"))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "page")], check=True
    )
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert decoded == f"https://learn.example.org/verify/{cert.code}"

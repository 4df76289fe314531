"""The PDF is deterministic and configurable; the signed credential verifies offline."""

from __future__ import annotations

import copy
import io
import json
import os
import stat

import pytest
from PIL import Image
from pypdf import PdfReader

from lms.certificates import credential, documents


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


def test_credential_verifies_with_the_published_key(client, certified):
    _user, cert = certified(full_name="Nguyễn Thị Phương")
    signed = client.get(f"/verify/{cert.code}/credential.json").get_json()
    issuer = client.get("/.well-known/lms-issuer.json").get_json()
    jwk = issuer["verificationMethod"][0]["publicKeyJwk"]
    assert signed["credentialSubject"]["name"] == "Nguyễn Thị Phương"
    assert signed["proof"]["verificationMethod"] == issuer["verificationMethod"][0]["id"]
    assert credential.verify(signed, jwk)


def test_tampering_breaks_the_signature(client, certified):
    _user, cert = certified()
    signed = client.get(f"/verify/{cert.code}/credential.json").get_json()
    jwk = client.get("/.well-known/lms-issuer.json").get_json()["verificationMethod"][0]["publicKeyJwk"]
    forged = copy.deepcopy(signed)
    forged["credentialSubject"]["achievement"]["creditsAvailable"] = 200
    assert not credential.verify(forged, jwk)
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    assert not credential.verify(unsigned, jwk)


def test_readme_recipe_verifies_offline(client, certified):
    """The few lines the README gives, with nothing from this project imported."""
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    _user, cert = certified()
    vc = client.get(f"/verify/{cert.code}/credential.json").get_json()
    jwk = client.get("/.well-known/lms-issuer.json").get_json()["verificationMethod"][0]["publicKeyJwk"]

    def b64(text):
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    body = {k: v for k, v in vc.items() if k != "proof"}
    message = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    Ed25519PublicKey.from_public_bytes(b64(jwk["x"])).verify(b64(vc["proof"]["proofValue"]), message)


def test_signing_key_is_private_and_stable(app, app_context):
    first = credential.public_jwk()
    assert credential.public_jwk() == first
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

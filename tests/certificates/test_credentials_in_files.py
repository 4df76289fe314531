"""Credentials that travel: the PDF carries its signed credential, the badge PNG has it baked
in, and the verify page checks an uploaded PDF, PNG, JSON or JWT, refusing hostile files with a
clear message (never a 500)."""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import zlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from lms.certificates import baking, dataintegrity, documents, keys, services


def verify(app, document: dict) -> str:
    with app.app_context():
        return dataintegrity.verify_proof(document, documents.key_resolver())


def pdf_of(client, login, user, cert) -> bytes:
    login(user)
    response = client.get(f"/certificates/{cert.id}.pdf")
    assert response.status_code == 200
    return response.data


def upload(client, data: bytes, name: str = "certificate.pdf"):
    return client.submit("/verify/file", {"credential_file": (io.BytesIO(data), name)})


def test_the_pdf_carries_the_signed_credential_that_poppler_extracts(app, client, login, certified, tmp_path):
    user, cert = certified(full_name="Nguyễn Thị Phương")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(pdf_of(client, login, user, cert))
    listing = subprocess.run(["pdfdetach", "-list", str(pdf)], capture_output=True, text=True, check=True)
    assert "credential.json" in listing.stdout
    subprocess.run(["pdfdetach", "-save", "1", "-o", str(tmp_path / "vc.json"), str(pdf)], check=True)
    vc = json.loads((tmp_path / "vc.json").read_text("utf-8"))
    assert vc["credentialSubject"]["name"] == "Nguyễn Thị Phương"
    assert verify(app, vc)


def test_the_badge_is_a_png_with_the_credential_in_an_itxt_chunk(app, client, certified):
    _user, cert = certified()
    response = client.get(f"/verify/{cert.code}/badge.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    image.load()
    assert image.size == (256, 256)
    vc = json.loads(image.text["openbadgecredential"])  # read by Pillow, not by our code
    assert vc["id"].endswith(cert.code)
    assert verify(app, vc)


def test_the_share_box_offers_the_badge_download(client, login, certified):
    user, cert = certified()
    login(user)
    page = client.get("/certificates").get_data(as_text=True)
    assert f'href="/verify/{cert.code}/badge.png" download' in page


@pytest.mark.parametrize("source", ["pdf", "png", "json", "jwt"])
def test_an_uploaded_file_of_ours_shows_the_certificate_and_its_status(client, login, certified, source):
    user, cert = certified(full_name="فاطمة الزهراء")
    data = {
        "pdf": lambda: pdf_of(client, login, user, cert),
        "png": lambda: client.get(f"/verify/{cert.code}/badge.png").data,
        "json": lambda: client.get(f"/verify/{cert.code}/credential.json").data,
        "jwt": lambda: client.get(f"/verify/{cert.code}/credential.jwt").data,
    }[source]()
    response = upload(client, data, f"file.{source}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "intact credential signed by this platform" in page
    assert "Valid." in page and "فاطمة الزهراء" in page


def test_an_uploaded_revoked_certificate_says_revoked(client, login, certified, db, make_user):
    user, cert = certified()
    data = pdf_of(client, login, user, cert)
    services.revoke(cert, "Plagiarism found.", make_user(role="admin"))
    db.session.commit()
    page = upload(client, data).get_data(as_text=True)
    assert "Revoked." in page and "Plagiarism found." in page


def _rebake(png: bytes, change) -> bytes:
    text = baking.png_credential(png)
    vc = json.loads(text)
    change(vc)
    return baking.bake_png(png, json.dumps(vc))


def test_a_tampered_badge_is_refused(client, certified):
    _user, cert = certified()
    png = client.get(f"/verify/{cert.code}/badge.png").data
    forged = _rebake(png, lambda vc: vc["credentialSubject"].update(name="Mallory"))
    response = upload(client, forged, "badge.png")
    assert response.status_code == 400
    assert "was changed after it was signed" in response.get_data(as_text=True)


def test_a_credential_signed_by_someone_else_is_not_ours(app, client, certified):
    _user, cert = certified()
    vc = json.loads(client.get(f"/verify/{cert.code}/credential.json").data)
    stranger = Ed25519PrivateKey.generate()
    with app.app_context():
        forged = dataintegrity.add_proof(
            vc, stranger, "did:web:evil.example#" + keys.multikey(stranger.public_key()), vc["validFrom"]
        )
    response = upload(client, json.dumps(forged).encode(), "vc.json")
    assert response.status_code == 400
    assert "this platform did not sign" in response.get_data(as_text=True)


def test_a_first_format_credential_still_verifies(app, client, certified):
    """A file saved before Open Badges 3.0: sorted-key JSON signed with the site's key."""
    import base64

    _user, cert = certified()
    body = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"http://localhost/verify/{cert.code}",
    }
    message = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    with app.app_context():
        signature = keys.private_key().sign(message)
    proof = {
        "type": "Ed25519Signature-LmsCanonicalJson",
        "proofValue": base64.urlsafe_b64encode(signature).rstrip(b"=").decode(),
    }
    good = upload(client, json.dumps({**body, "proof": proof}).encode(), "old.json")
    assert good.status_code == 200 and "Valid." in good.get_data(as_text=True)
    bad = upload(client, json.dumps({**body, "id": body["id"] + "X", "proof": proof}).encode(), "old.json")
    assert bad.status_code == 400


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plain badge", "static", "carries no credential"),
        ("a PDF without credential", "plain-pdf", "carries no credential"),
        ("truncated PDF", b"%PDF-1.7\n1 0 obj <<", "could not be read"),
        ("random bytes", bytes(range(256)) * 10, "Upload a certificate PDF"),
        ("broken PNG", baking.PNG_SIGNATURE + b"\0\0\0\rIHDR" + b"\xff" * 30, "could not be read"),
        ("huge PNG chunk length", baking.PNG_SIGNATURE + b"\x7f\xff\xff\xffiTXt", "could not be read"),
        ("bad CRC", baking.PNG_SIGNATURE + b"\0\0\0\x01iTXtA\0\0\0\0", "could not be read"),
        ("deep JSON", b'{"a":' * 20_000 + b"1" + b"}" * 20_000, "could not be read"),
        ("a JSON array", b"[" * 1000 + b"]" * 1000, "Upload a certificate PDF"),
        ("deep object", ('{"a":' * 50 + "1" + "}" * 50).encode(), "could not be read"),
        ("not JSON", b"{not json", "could not be read"),
        ("JSON without proof", b'{"id": "x"}', "carries no credential"),
        ("JWT nonsense", b"eyJhbGciOi.xxx.yyy", "could not be read"),
        ("NUL bytes", b"\0" * 1000, "Upload a certificate PDF"),
    ],
)
def test_hostile_uploads_get_a_clear_message(app, client, name, data, message):
    if data == "static":
        with open(f"{app.static_folder}/img/badge.png", "rb") as handle:
            data = handle.read()
    elif data == "plain-pdf":
        from reportlab.pdfgen.canvas import Canvas

        buffer = io.BytesIO()
        Canvas(buffer).save()
        data = buffer.getvalue()
    response = upload(client, data, "file.bin")
    assert response.status_code == 400, name
    assert message in response.get_data(as_text=True), name


def test_a_compressed_bomb_in_a_png_is_not_expanded(client):
    text = baking.KEYWORD + b"\0" + b"\x01\x00" + b"\0\0" + zlib.compress(b"{" + b" " * 50_000_000)
    png = baking.PNG_SIGNATURE + _png_chunk(b"iTXt", text) + _png_chunk(b"IEND", b"")
    response = upload(client, png, "bomb.png")  # 50 KB that would inflate to 50 MB
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_a_file_over_the_limit_is_413(app, client, monkeypatch):
    # A small limit: the test client spools larger bodies to a file that it never closes.
    monkeypatch.setitem(app.config, "CERTIFICATE_FILE_MAX_BYTES", 200_000)
    response = upload(client, b"%PDF-1.7\n" + bytes(200_000), "big.pdf")
    assert response.status_code == 413
    assert "too large: at most 0.2 MB" in response.get_data(as_text=True)


def test_an_upload_needs_a_file_and_the_csrf_token(client):
    page = client.get("/verify")
    assert "Check a certificate file" in page.get_data(as_text=True)
    assert client.submit("/verify/file", {}).status_code == 400
    no_token = client.post("/verify/file", data={"credential_file": (io.BytesIO(b"x"), "x.pdf")})
    assert no_token.status_code == 400


def test_poppler_is_there():
    assert shutil.which("pdfdetach"), "poppler-utils (apt) is needed; .ci/run installs it"

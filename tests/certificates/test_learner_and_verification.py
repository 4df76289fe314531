"""Learners download their certificates; anyone can verify a code; nobody sees personal data."""

from __future__ import annotations

import io
import random
import unicodedata
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from lms.certificates import codes
from tests import factories


def pdf_text(data: bytes) -> str:
    """The PDF's text, NFKC-normalised: ligature glyphs (ﬁ) come back as their letters."""
    return unicodedata.normalize(
        "NFKC", "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    )


def test_my_certificates_lists_download_and_share_link(client, login, certified):
    user, cert = certified()
    page = login(user).get("/certificates").get_data(as_text=True)
    assert cert.code in page
    assert f"/certificates/{cert.id}.pdf" in page
    assert f"http://localhost/verify/{cert.code}" in page
    assert 'href="/certificates"' in login(user).get("/").get_data(as_text=True)  # navigation entry


def test_owner_downloads_a_pdf_with_name_code_and_title(client, login, certified):
    user, cert = certified(full_name="Nguyễn Thị Phương")
    response = login(user).get(f"/certificates/{cert.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Nguyễn Thị Phương" in text
    assert cert.code in text
    assert "ICT Basics for Lecturers" in text
    info = PdfReader(io.BytesIO(response.data)).metadata
    assert "Nguyễn Thị Phương" in info.subject and "ICT Basics for Lecturers" in info.title


def test_another_learners_certificate_is_not_found(client, login, certified):
    _owner, cert = certified()
    other = factories.make_user()
    factories.db.session.commit()
    assert login(other).get(f"/certificates/{cert.id}.pdf").status_code == 404


def test_an_admin_can_download_any_certificate(client, login, certified, make_user):
    _owner, cert = certified()
    assert login(make_user(role="admin")).get(f"/certificates/{cert.id}.pdf").status_code == 200


def test_a_name_no_font_covers_gets_a_clear_message_not_a_500(client, login, certified, db):
    user, cert = certified(full_name="Ali \U00020000")
    response = login(user).get(f"/certificates/{cert.id}.pdf")
    assert response.status_code == 409
    assert "\U00020000" in response.get_data(as_text=True)


def test_verification_page_shows_the_facts_but_no_email(client, certified):
    user, cert = certified(full_name="فاطمة الزهراء")
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    for fact in ("Valid.", "فاطمة الزهراء", "ICT Basics for Lecturers", cert.issuer_name):
        assert fact in page
    assert user.email not in page


def test_verification_tolerates_how_people_type_codes(client, certified):
    _user, cert = certified()
    typed = cert.code.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{cert.code}")
    loose = client.get(f"/verify/{cert.code.replace('-', '').lower()}")
    assert loose.status_code == 302 and loose.headers["Location"].endswith(f"/verify/{cert.code}")


def test_a_typo_is_refused_with_400_before_any_lookup(client, certified, count_queries):
    _user, cert = certified()
    wrong_symbol = "0" if cert.code[0] != "0" else "1"
    typo = wrong_symbol + cert.code[1:]
    with count_queries() as counter:
        response = client.get(f"/verify/{typo}")
    assert response.status_code == 400
    assert "typing mistake" in response.get_data(as_text=True)
    assert not [s for s in counter.statements if "certificate" in s.lower()]


def test_bad_length_is_a_400_with_a_message(client, app_context):
    response = client.get("/verify", query_string={"code": "ABC"})
    assert response.status_code == 400
    assert "18 letters and digits" in response.get_data(as_text=True)


def first_format_code(check: str) -> str:
    """A code as the first format issued it (16 symbols, a modulo-37 check symbol) ending in ``check``."""
    rng = random.Random(check)
    while True:
        payload = "".join(rng.choice(codes.ALPHABET) for _ in range(16))
        if codes.legacy_check_symbol(payload) == check:
            return "-".join([payload[i : i + 4] for i in range(0, 16, 4)] + [check])


@pytest.fixture
def first_format_certificates(certified, db):
    """Certificates issued before the current code format: their codes, as stored, end in each
    of the first format's five extra check symbols."""
    made = []
    for check in "*~$=U":
        user, cert = certified()
        cert.code = first_format_code(check)
        made.append(cert)
    db.session.commit()
    return made


def test_certificates_with_first_format_codes_still_verify(client, first_format_certificates):
    for cert in first_format_certificates:
        page = client.get(f"/verify/{cert.code}")
        assert page.status_code == 200 and "Valid." in page.get_data(as_text=True)
        assert client.get(f"/verify/{cert.code}.json").get_json()["code"] == cert.code
        assert client.get(f"/verify/{cert.code}/credential.json").status_code == 200
        typed = client.get("/verify", query_string={"code": cert.code.lower().replace("-", " ")})
        assert typed.status_code == 302
        assert cert.code in client.get(typed.headers["Location"]).get_data(as_text=True)


def test_a_first_format_link_that_lost_its_last_symbol_in_a_chat_still_arrives(
    client, first_format_certificates
):
    for cert in first_format_certificates[:4]:  # the four that end in punctuation
        cut = client.get(f"/verify/{cert.code[:-1]}")
        assert cut.status_code == 302
        assert client.get(cut.headers["Location"]).status_code == 200


def test_a_percent_encoded_first_format_code_verifies(client, first_format_certificates):
    cert = first_format_certificates[0]
    assert client.get(f"/verify/{quote(cert.code, safe='')}").status_code == 200


def test_an_unknown_code_is_a_plain_404(client, app_context):
    code = codes.new_code()
    response = client.get(f"/verify/{code}")
    assert response.status_code == 404
    assert "No such certificate" in response.get_data(as_text=True)


def test_revoked_certificates_show_the_reason(client, login, certified, make_user):
    _user, cert = certified()
    admin = make_user(role="admin")
    login(admin).submit(
        f"/admin/certificates/{cert.id}/revoke", {"reason": "Plagiarism in the final project."}
    )
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "Revoked." in page and "Plagiarism in the final project." in page


def test_json_gives_the_same_facts_for_machines(client, certified):
    user, cert = certified(full_name="佐藤 花子")
    data = client.get(f"/verify/{cert.code}.json").get_json()
    assert data["status"] == "valid"
    assert data["holder_name"] == "佐藤 花子"
    assert data["course_title"] == "ICT Basics for Lecturers"
    assert data["superseded_by"] is None
    assert user.email not in str(data)


def test_json_errors_are_json(client, app_context):
    assert client.get("/verify/nonsense.json").status_code == 400
    missing = client.get(f"/verify/{codes.new_code()}.json")
    assert missing.status_code == 404 and missing.get_json()["error"]


def test_verification_is_rate_limited(make_app, certified):
    from lms.extensions import limiter

    _user, cert = certified()
    limited = make_app(RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="3 per minute")
    try:
        client = limited.test_client()
        statuses = [client.get(f"/verify/{cert.code}").status_code for _ in range(4)]
    finally:
        # The limiter is one object shared by every app: leave it as the test suite expects.
        limiter.reset()
        limiter.enabled = False
    assert statuses == [200, 200, 200, 429]

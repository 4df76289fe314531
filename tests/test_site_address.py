"""The site's address comes from BASE_URL, never from the request.

An attacker who sends `Host: evil.example` (or `X-Forwarded-Host`, through a proxy that passes it
on) must not get a password-reset link, a welcome mail, a QR code or a signed credential that
points at their host. Requests for another host are refused with 400; a trusted alias (loopback
in development, EXTRA_TRUSTED_HOSTS) still gets links to BASE_URL.
"""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from lms import create_app
from lms.certificates import credential, dataintegrity, documents, linkeddata
from lms.config import ConfigurationError
from lms.policy import Role
from tests import factories, mailbox
from tests.conftest import make_config

# http, not https: with an https BASE_URL the test client would speak https, and Flask-WTF's strict
# referrer check would then refuse its forms (which send no Referer).
SITE = "http://learn.example.org"
EVIL = "evil.example"
COHORT_CSV = "email,full_name,gender,country,institution,profile_role\nnew.person@example.edu,Ama Owusu,woman,GH,University of Ghana,faculty\n"


# --- Configuration --------------------------------------------------------------------------


def test_production_refuses_to_start_without_base_url(tmp_path_factory):
    config = make_config(
        tmp_path_factory, LMS_ENV="production", BASE_URL="", RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/1"
    )
    with pytest.raises(ConfigurationError, match="BASE_URL must be set when LMS_ENV=production"):
        create_app(config)


@pytest.mark.parametrize(
    "value",
    [
        "learn.example.org",
        "ftp://learn.example.org",
        "https://",
        "https://user:secret@learn.example.org",
        "https://learn.example.org/?next=1",
        "https://learn.example.org/#top",
        "https://learn.example.org:99999",
        "https://[::1]:5000",
    ],
)
def test_a_base_url_that_is_not_a_plain_site_address_is_refused(tmp_path_factory, value):
    with pytest.raises(ConfigurationError, match="BASE_URL"):
        create_app(make_config(tmp_path_factory, BASE_URL=value))


def test_base_url_is_normalised(make_app):
    app = make_app(BASE_URL="HTTPS://Learn.Example.ORG:8443/lms/")
    assert app.config["BASE_URL"] == "https://learn.example.org:8443/lms"
    assert app.config["TRUSTED_HOSTS"] == ["learn.example.org"]
    with app.app_context():
        from lms.links import absolute_url

        assert absolute_url("accounts.login") == "https://learn.example.org:8443/lms/login"


def test_development_default_is_the_local_server_under_both_loopback_names(tmp_path_factory):
    config = make_config(tmp_path_factory)
    del config["BASE_URL"]
    app = create_app(config)
    assert app.config["BASE_URL"] == "http://127.0.0.1:5000"
    client = app.test_client()
    for host in ("127.0.0.1:5000", "localhost:5000", "127.0.0.1:8123"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200
    assert client.get("/healthz", headers={"Host": EVIL}).status_code == 400
    with app.app_context():
        from lms.extensions import db

        db.engine.dispose()


def test_extra_trusted_hosts_are_accepted_but_links_keep_base_url(make_app):
    app = make_app(BASE_URL=SITE, EXTRA_TRUSTED_HOSTS="10.0.0.5, lb.internal")
    assert app.config["TRUSTED_HOSTS"] == ["learn.example.org", "10.0.0.5", "lb.internal"]
    client = app.test_client()
    assert client.get("/healthz", headers={"Host": "10.0.0.5:8000"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "localhost"}).status_code == 400


def test_certificate_base_url_is_a_deprecated_alias(make_app, tmp_path_factory):
    app = make_app(BASE_URL="", CERTIFICATE_BASE_URL="https://certs.example.org/")
    assert app.config["BASE_URL"] == "https://certs.example.org"
    with pytest.raises(ConfigurationError, match="CERTIFICATE_BASE_URL"):
        create_app(
            make_config(tmp_path_factory, BASE_URL=SITE, CERTIFICATE_BASE_URL="https://other.example.org")
        )


def test_https_with_an_http_base_url_is_refused(tmp_path_factory):
    with pytest.raises(ConfigurationError, match="unencrypted"):
        create_app(make_config(tmp_path_factory, HTTPS=True, BASE_URL="http://learn.example.org"))


def test_an_https_base_url_makes_cookies_secure(make_app):
    app = make_app(BASE_URL="https://learn.example.org")
    assert (
        app.config["HTTPS"] and app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    )


def test_no_code_builds_links_from_the_request():
    """`url_for(..., _external=True)` copies the request's host; `lms.links.absolute_url` does not."""
    root = Path(__file__).resolve().parent.parent
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for folder in ("lms", "templates")
        for path in (root / folder).rglob("*")
        if path.suffix in {".py", ".html", ".txt"} and path.name != "links.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"_external\s*=\s*True|request\.(host|host_url|url_root|root_url)\b", line)
    ]
    assert offenders == []


# --- Requests -------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    from lms.certificates.services import current_certificate
    from lms.learning import services as learning

    course = factories.make_course("open", modules=1, lessons=1, quiz=False, title="Open Course")
    learner = factories.make_user(full_name="Grace Wanjiru")
    enrolment = factories.enrol(learner, course)
    for lesson in course.lessons:
        learning.complete_lesson(learner.id, lesson)
    assert learning.check_course_completion(enrolment, course)
    admin = factories.make_user(role=Role.ADMIN)
    db.session.commit()
    return SimpleNamespace(
        learner=learner, admin=admin, course=course, cert=current_certificate(learner.id, course.id)
    )


def sign_in(client, user):
    response = client.submit("/login", {"email": user.email, "password": factories.DEFAULT_PASSWORD})
    assert response.status_code == 302


def carry_cookies(client, headers) -> dict:
    """An attacker sends their own cookies whatever Host they name; the test client only sends
    cookies to the host they were set for, so copy them to the forged one."""
    host = headers.get("Host", "").partition(":")[0]
    if host:
        for name in ("session", "remember_token"):
            cookie = client.get_cookie(name)
            if cookie is not None:
                client.set_cookie(name, cookie.value, domain=host)
    return headers


def submit(client, url: str, data: dict, headers: dict, **kwargs):
    """Post a form with a valid CSRF token and the client's cookies, under the given headers."""
    data = {**data, "csrf_token": client.csrf_token()}
    return client.post(url, data=data, headers=carry_cookies(client, headers), **kwargs)


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return unicodedata.normalize("NFKC", "".join(page.extract_text() for page in pages))


# Each probe does what an attacker would with `headers` on one request, and returns the response
# and the texts in which the site's links travel (mail bodies, JSON, PDF text).


def forgot_password(app, client, world, headers):
    response = submit(client, "/password/forgot", {"email": world.learner.email}, headers)
    return response, mailbox.bodies(app)


REGISTRATION = {
    "full_name": "Ama Owusu",
    "password": "tamarind lantern 2026",
    "gender": "woman",
    "country": "GH",
    "institution": "University of Ghana",
    "profile_role": "faculty",
}


def register_new_address(app, client, world, headers):
    response = submit(client, "/register", {**REGISTRATION, "email": "new.person@example.edu"}, headers)
    return response, mailbox.bodies(app)


def register_taken_address(app, client, world, headers):
    response = submit(client, "/register", {**REGISTRATION, "email": world.learner.email}, headers)
    return response, mailbox.bodies(app)


def sign_in_before_confirming(app, client, world, headers):
    """The correct password of an unconfirmed account gets a new confirmation link by mail."""
    assert client.submit("/register", {**REGISTRATION, "email": "pending@example.edu"}).status_code == 200
    mailbox.clear(app)
    login = {"email": "pending@example.edu", "password": REGISTRATION["password"]}
    return submit(client, "/login", login, headers), mailbox.bodies(app)


def cohort_upload(app, client, world, headers):
    sign_in(client, world.admin)
    data = {"file": (io.BytesIO(COHORT_CSV.encode()), "cohort.csv")}
    response = submit(client, "/admin/courses/open/cohort", data, headers, content_type="multipart/form-data")
    return response, mailbox.bodies(app)


def verification_json(app, client, world, headers):
    response = client.get(f"/verify/{world.cert.code}.json", headers=carry_cookies(client, headers))
    return response, [response.get_data(as_text=True)]


def signed_credential(app, client, world, headers):
    response = client.get(
        f"/verify/{world.cert.code}/credential.json", headers=carry_cookies(client, headers)
    )
    return response, [response.get_data(as_text=True)]


def issuer_profile(app, client, world, headers):
    response = client.get("/.well-known/lms-issuer.json", headers=carry_cookies(client, headers))
    return response, [response.get_data(as_text=True)]


def status_list(app, client, world, headers):
    response = client.get("/credentials/status/0", headers=carry_cookies(client, headers))
    return response, [response.get_data(as_text=True)]


def credential_jwt(app, client, world, headers):
    response = client.get(f"/verify/{world.cert.code}/credential.jwt", headers=carry_cookies(client, headers))
    if response.status_code != 200:
        return response, []
    body = response.get_data(as_text=True).split(".")[1]
    return response, [base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()]


def my_certificates(app, client, world, headers):
    sign_in(client, world.learner)
    response = client.get("/certificates", headers=carry_cookies(client, headers))
    return response, [response.get_data(as_text=True)]


def certificate_pdf(app, client, world, headers):
    sign_in(client, world.learner)
    response = client.get(f"/certificates/{world.cert.id}.pdf", headers=carry_cookies(client, headers))
    return response, [pdf_text(response.data)] if response.status_code == 200 else []


def certificates_zip(app, client, world, headers):
    """The export job runs (in-process) from the forged request; its PDFs and its mail."""
    sign_in(client, world.admin)
    response = submit(client, "/admin/certificates/export", {}, headers)
    if response.status_code != 302:
        return response, []
    download = client.get(response.headers["Location"] + "/download")
    archive = zipfile.ZipFile(io.BytesIO(download.get_data()))
    download.close()
    pdfs = [pdf_text(archive.read(name)) for name in archive.namelist() if name.endswith(".pdf")]
    return response, pdfs + mailbox.bodies(app)


PROBES = [
    forgot_password,
    register_new_address,
    register_taken_address,
    sign_in_before_confirming,
    cohort_upload,
    verification_json,
    signed_credential,
    issuer_profile,
    status_list,
    credential_jwt,
    my_certificates,
    certificate_pdf,
    certificates_zip,
]


PRINTED_ADDRESS = re.compile(r"(?:^|\s)([\w.-]+\.[a-z]{2,}(?::\d+)?/verify/\S+)")


def site_links(texts: list[str]) -> list[str]:
    """Every absolute link in the texts, but the standards' JSON-LD contexts and schema; PDFs
    print the verification address without its scheme."""
    standards = {*linkeddata.BUNDLED, credential.SCHEMA["id"]}
    found = []
    for text in texts:
        links = mailbox.links(text)
        found += [link for link in links if link not in standards]
        for link in links:
            text = text.replace(link, " ")
        found += ["http://" + address for address in PRINTED_ADDRESS.findall(text)]
    return found


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.__name__)
def test_a_forged_host_is_refused_and_nothing_is_sent(make_app, world, probe):
    app = make_app(BASE_URL=SITE, EXTRA_TRUSTED_HOSTS=["localhost"])
    response, texts = probe(app, app.test_client(), world, {"Host": EVIL})
    assert response.status_code == 400
    assert "This site does not answer at the address you used." in response.get_data(as_text=True)
    assert mailbox.messages(app) == []
    assert EVIL not in response.get_data(as_text=True).replace(f"Host {EVIL!r}", "")


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.__name__)
def test_links_point_at_base_url_whatever_trusted_host_the_request_named(make_app, world, probe):
    """The request comes in as `localhost` (trusted) with a forged X-Forwarded-Host and no proxy
    configured: every link still starts with BASE_URL."""
    app = make_app(BASE_URL=SITE, EXTRA_TRUSTED_HOSTS=["localhost"])
    response, texts = probe(app, app.test_client(), world, {"X-Forwarded-Host": EVIL})
    assert response.status_code in (200, 302, 400)  # 400: "confirm your address first"
    assert b"does not answer at the address" not in response.data
    links = site_links(texts)
    assert links, "the probe found no link to check"
    assert all(link.startswith(SITE + "/") for link in links), links
    assert not any(EVIL in text for text in texts)


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: p.__name__)
def test_behind_a_trusted_proxy_a_forged_forwarded_host_is_refused(make_app, world, probe):
    app = make_app(BASE_URL=SITE, EXTRA_TRUSTED_HOSTS=["localhost"], TRUSTED_PROXIES=1)
    headers = {"X-Forwarded-Host": EVIL, "X-Forwarded-For": "203.0.113.9"}
    response, _texts = probe(app, app.test_client(), world, headers)
    assert response.status_code == 400
    assert "This site does not answer at the address you used." in response.get_data(as_text=True)
    assert mailbox.messages(app) == []


def test_behind_a_trusted_proxy_the_real_host_is_served(make_app, world):
    app = make_app(BASE_URL=SITE, EXTRA_TRUSTED_HOSTS=["localhost"], TRUSTED_PROXIES=1)
    headers = {"X-Forwarded-Host": "learn.example.org"}
    response, texts = forgot_password(app, app.test_client(), world, headers)
    assert response.status_code == 200
    assert [link.split("/password/reset/")[0] for link in site_links(texts)] == [SITE]


def test_the_signed_credential_names_only_the_configured_site(make_app, world):
    app = make_app(BASE_URL=SITE, EXTRA_TRUSTED_HOSTS=["localhost"])
    client = app.test_client()
    headers = {"X-Forwarded-Host": EVIL}
    signed = json.loads(
        client.get(f"/verify/{world.cert.code}/credential.json", headers=carry_cookies(client, headers)).data
    )
    document = json.loads(client.get("/.well-known/did.json", headers=carry_cookies(client, headers)).data)
    status_url = signed["credentialStatus"]["statusListCredential"]
    status = json.loads(
        client.get(status_url.removeprefix(SITE), headers=carry_cookies(client, headers)).data
    )
    site_did = "did:web:learn.example.org"
    assert signed["id"] == f"{SITE}/verify/{world.cert.code}"
    assert signed["issuer"]["id"] == document["id"] == status["issuer"] == site_did
    assert status_url == f"{SITE}/credentials/status/{world.cert.status_index // 131072}"
    assert status["id"] == status_url
    assert signed["credentialSubject"]["achievement"]["id"].startswith(SITE + "/")
    assert signed["proof"][0]["verificationMethod"] == document["verificationMethod"][0]["id"]
    assert status["proof"][0]["verificationMethod"] == document["verificationMethod"][0]["id"]
    with app.app_context():
        assert dataintegrity.verify_proof(signed, documents.key_resolver())
        assert dataintegrity.verify_proof(status, documents.key_resolver())


def test_the_qr_code_holds_base_url_when_the_request_named_another_host(make_app, world, tmp_path):
    """Decoded with zbar (poppler-utils and zbar-tools are installed by .ci/run)."""
    app = make_app(BASE_URL=SITE, EXTRA_TRUSTED_HOSTS=["localhost"])
    response, _texts = certificate_pdf(app, app.test_client(), world, {"X-Forwarded-Host": EVIL})
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(response.data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "page")], check=True
    )
    decoded = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert decoded == f"{SITE}/verify/{world.cert.code}"


def test_the_cli_export_uses_base_url(make_app, world, tmp_path):
    app = make_app(BASE_URL=SITE)
    out = tmp_path / "certificates.zip"
    with app.app_context():  # the fixtures hold the test application's context: use this one
        result = app.test_cli_runner().invoke(args=["certificates", "export", "--out", str(out)])
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(out)
    texts = [pdf_text(archive.read(name)) for name in archive.namelist() if name.endswith(".pdf")]
    assert site_links(texts) == [f"{SITE}/verify/{world.cert.code}"]


def test_every_route_refuses_a_forged_host(app, db):
    """Not only the routes that build links: no page answers for another site's name, for a
    signed-in administrator with a valid CSRF token either."""
    from tests.access import all_routes, build_world

    routes_world = build_world()
    db.session.commit()
    client = app.test_client()
    sign_in(client, routes_world.admin)
    forged = {"Host": EVIL}
    answered = {}
    for route in all_routes():
        url = route.url_for(routes_world)
        if route.method == "GET":
            response = client.get(url, headers=carry_cookies(client, forged))
        else:
            response = submit(client, url, route.form(routes_world), forged)
        answered[f"{route.method} {url}"] = response.status_code
    assert {key: code for key, code in answered.items() if code != 400} == {}

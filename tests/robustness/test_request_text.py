"""Text that no database can store (NUL, lone surrogates, invalid UTF-8) is refused with a 400
page naming the parameter, on SQLite and PostgreSQL alike, before it reaches a view: nothing is
written and nothing is logged as an error."""

from __future__ import annotations

import logging
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from lms.extensions import db as _db
from lms.policy import Role
from tests.factories import DEFAULT_PASSWORD, REGISTRATION

MESSAGE = "cannot be stored"


def row_counts() -> dict[str, int]:
    return {
        table.name: _db.session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in _db.metadata.sorted_tables
    }


@pytest.fixture
def quiet_log(caplog):
    """Fails the test when anything at WARNING or above (a traceback above all) was logged."""
    caplog.set_level(logging.INFO)
    yield caplog
    loud = [record for record in caplog.records if record.levelno >= logging.WARNING or record.exc_info]
    assert not loud, [record.getMessage() for record in loud]


def post_raw(client, url: str, fields: dict[str, str]):
    """POST a form as a (careless or hostile) client would encode it: lone surrogates are sent
    as their three UTF-8-style bytes (`%ED%A0%80`), which no decoder accepts."""
    fields = {"csrf_token": client.csrf_token(), **fields}
    body = "&".join(
        f"{quote(name)}={quote(value.encode('utf-8', 'surrogatepass'))}" for name, value in fields.items()
    )
    return client.post(url, data=body.encode("ascii"), content_type="application/x-www-form-urlencoded")


def refused(response, name: str | None = None) -> bool:
    page = response.get_data(as_text=True)
    return response.status_code == 400 and MESSAGE in page and (name is None or f"“{name}”" in page)


@pytest.mark.parametrize("value", ["a\x00b", "\x00", "x\ud800y", "\udfff"])
def test_sign_in_email_with_unstorable_text_is_refused(client, make_user, db, quiet_log, value):
    make_user(email="grace@example.org")
    response = post_raw(
        client, "/login", {"email": "grace@example.org" + value, "password": DEFAULT_PASSWORD}
    )
    assert refused(response, "email")
    assert "Signed in" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("field", sorted(REGISTRATION))
def test_registration_with_nul_in_any_field_writes_nothing(client, db, quiet_log, field):
    before = row_counts()
    response = client.submit("/register", {**REGISTRATION, field: REGISTRATION[field][:3] + "\x00"})
    assert refused(response, field)
    assert row_counts() == before


@pytest.mark.parametrize(
    "query",
    [
        "q=a%00b",
        "q=%00",
        "audience=%00",
        "language=fr%00",
        "page=1%00",
        "q=%ED%A0%80",
        "q=%FF",
        "q=%C3",
        "%00=x",
    ],
)
def test_catalogue_query_with_unstorable_text_is_refused(client, course, quiet_log, query):
    response = client.get(f"/courses?{query}")
    assert refused(response)


def test_catalogue_still_searches_any_script(client, course, quiet_log):
    for text in ("تعليم", "教育", "😀", "Éducation\u200d"):
        assert client.get(f"/courses?q={quote(text)}").status_code == 200


@pytest.mark.parametrize("path", ["/courses/ict%00basics", "/courses/ict-basics/lessons/%00", "/verify/%00"])
def test_path_with_nul_is_refused(client, course, quiet_log, path):
    assert refused(client.get(path))


@pytest.mark.parametrize("raw", [b"/courses/\xed\xa0\x80", b"/courses/\xff", b"/courses/ict\xc3"])
def test_path_that_is_not_utf8_is_refused(client, course, quiet_log, raw):
    # What a server hands over for /courses/%ED%A0%80: the raw bytes, as latin-1 (PEP 3333).
    response = client.get("/", environ_overrides={"PATH_INFO": raw.decode("latin-1")})
    assert refused(response)


@pytest.mark.parametrize("value", [b"%FF", b"%ED%A0%80", b"caf%C3", b"a%00"])
def test_form_body_that_is_not_utf8_is_refused(client, make_user, db, quiet_log, value):
    make_user(email="grace@example.org")
    body = b"csrf_token=" + client.csrf_token().encode() + b"&password=x&email=grace" + value
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert refused(response, "email")


def test_report_filter_with_nul_is_refused(app, login, make_user, quiet_log):
    admin = make_user(role=Role.ADMIN)
    client = login(admin)
    assert refused(client.get("/reports/participation?institution=Makerere%00"), "institution")
    assert refused(client.get("/reports/participation.csv?course=%00"), "course")


def test_authoring_form_with_nul_creates_no_course(app, login, make_user, db, quiet_log):
    trainer = make_user(role=Role.TRAINER)
    client = login(trainer)
    before = row_counts()
    response = client.submit(
        "/authoring/new",
        {"title": "Blended\x00", "slug": "blended", "summary": "S", "audience": "faculty", "language": "en"},
    )
    assert refused(response, "title")
    assert row_counts() == before


def test_multipart_form_with_nul_in_a_field_or_file_name_is_refused(app, login, make_user, course, quiet_log):
    from io import BytesIO

    admin = make_user(role=Role.ADMIN)
    client = login(admin)
    token = client.csrf_token()
    url = "/admin/courses/ict-basics/cohort"
    csv = b"email,full_name,gender,country,institution,profile_role\n"
    response = client.post(url, data={"csrf_token": token, "note": "a\x00", "file": (BytesIO(csv), "c.csv")})
    assert refused(response, "note")
    response = client.post(url, data={"csrf_token": token, "file": (BytesIO(csv), "cohort\x00.csv")})
    assert refused(response, "file")


@pytest.mark.parametrize("cookie", ["session", "remember_token", "lang"])
def test_damaged_cookies_are_ignored(client, learner, quiet_log, cookie):
    raw = f"{cookie}=a\x00b\xed\xa0\x80; lang=\x00"  # as a server hands the header over: latin-1
    assert client.get("/", environ_overrides={"HTTP_COOKIE": raw}).status_code == 200
    response = client.get("/learning", environ_overrides={"HTTP_COOKIE": raw})
    assert response.status_code == 302  # not signed in: sent to the sign-in page


def test_refusal_is_translated(client, course, quiet_log):
    client.set_cookie("lang", "fr")
    page = client.get("/courses?q=%00").get_data(as_text=True)
    assert "ne peut pas être enregistré" in page
    client.set_cookie("lang", "ar")
    page = client.get("/courses?q=%00").get_data(as_text=True)
    assert 'dir="rtl"' in page and "لا يمكن حفظه" in page

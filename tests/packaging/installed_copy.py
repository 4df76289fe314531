"""Checks run *inside* a fresh virtual environment that holds only the wheel and its dependencies.

`tests/packaging/test_wheel.py` runs this file with that environment's Python (`python -I`, from
a folder outside the checkout), after `flask --app lms:create_app db upgrade` and two `courses
import` commands. It must not import anything from the checkout, so it uses only the installed
`lms` package, its dependencies and the standard library; it reports failures by raising.

Environment: LMS_CHECKOUT (the checkout, which must not be on sys.path), LMS_TINY_COURSE (slug of
a one-lesson course imported from files), plus the application's own settings.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
# Latin and Arabic in one name: the certificate needs two of the shipped fonts.
LEARNER_NAME = "Amina Yusuf أمينة يوسف"


def main() -> None:
    import lms

    check_isolated(lms)
    from lms import create_app

    app = create_app()
    client = app.test_client()
    check_pages(client)
    check_translations(client, package_dir() / "translations")
    check_certificate(app, client, os.environ["LMS_TINY_COURSE"])
    assert "fontTools" not in sys.modules, "fontTools was imported at run time"
    print("installed copy: ok")


def check_isolated(lms) -> None:
    """The package comes from the environment's site-packages; the checkout is out of reach."""
    checkout = Path(os.environ["LMS_CHECKOUT"]).resolve()
    package = Path(lms.__file__).resolve()
    assert package.is_relative_to(Path(sys.prefix).resolve()), f"lms imported from {package}"
    for entry in sys.path:
        assert not Path(entry or os.getcwd()).resolve().is_relative_to(checkout), f"{entry} on sys.path"
    assert not Path.cwd().resolve().is_relative_to(checkout), "run from inside the checkout"


def check_pages(client) -> None:
    home = client.get("/")
    assert home.status_code == 200, home.status_code
    assert '<html lang="en"' in home.get_data(as_text=True)
    catalogue = client.get("/courses").get_data(as_text=True)
    assert "Designing Blended and Online Courses with ICT" in catalogue, "shipped courses not imported"
    course = client.get("/courses/blended-course-design")
    assert course.status_code == 200, course.status_code
    css = client.get("/static/css/site.css")
    assert css.status_code == 200 and css.mimetype == "text/css", (css.status_code, css.mimetype)
    assert css.data == (package_dir() / "static" / "css" / "site.css").read_bytes()


def check_translations(client, translations: Path) -> None:
    """French and Arabic pages show the catalogue's own translation, so the .mo files were built."""
    from babel.messages.pofile import read_po

    msgid = "Browse the courses"  # on the home page for visitors
    for language, direction in (("fr", "ltr"), ("ar", "rtl")):
        with (translations / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            expected = read_po(handle)[msgid].string
        assert expected and expected != msgid, f"{language}: no translation of {msgid!r}"
        page = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
        assert f'lang="{language}"' in page and f'dir="{direction}"' in page, language
        assert expected in page, f"{language}: {expected!r} not on the home page"


def check_certificate(app, client, slug: str) -> None:
    """Register (the common-password list is read), confirm the address through the link in the
    outbox, complete a course, download the PDF."""
    listed = (package_dir() / "accounts" / "common_passwords.txt").read_text(encoding="utf-8")
    common = next(line.strip() for line in listed.splitlines() if line.strip() and not line.startswith("#"))
    form = {
        "full_name": LEARNER_NAME,
        "email": "amina@example.org",
        "gender": "woman",
        "country": "NG",
        "institution": "University of Ibadan",
        "profile_role": "faculty",
    }
    refused = submit(client, "/register", "/register", dict(form, password=common))
    assert refused.status_code == 400 and "too common" in refused.get_data(as_text=True), (
        "password list unread"
    )
    registered = submit(client, "/register", "/register", dict(form, password="a river of quiet stones"))
    assert registered.status_code == 200, registered.status_code
    confirm = confirmation_path(Path(app.config["OUTBOX_DIR"]), app.config["BASE_URL"])
    confirmed = submit(client, confirm, confirm, {"password": "a river of quiet stones"})
    assert confirmed.status_code == 302, confirmed.status_code
    enrolled = submit(client, f"/courses/{slug}", f"/courses/{slug}/enrol", {})
    assert enrolled.status_code == 302, enrolled.status_code
    lesson = f"/courses/{slug}/lessons/only"
    completed = submit(client, lesson, f"{lesson}/complete", {})
    assert completed.status_code == 302, completed.status_code
    mine = client.get("/certificates").get_data(as_text=True)
    links = re.findall(r'href="(/certificates/\d+\.pdf)"', mine)
    assert len(links) == 1, "no certificate was issued"
    pdf = client.get(links[0])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf", pdf.status_code
    assert pdf.data.startswith(b"%PDF-")
    for font in (b"NotoSans-Regular", b"NotoNaskhArabic-Regular"):
        assert font in pdf.data, f"{font.decode()} not embedded in the certificate"


def confirmation_path(outbox: Path, base_url: str) -> str:
    import email
    import email.policy

    for path in sorted(outbox.glob("*.eml"), reverse=True):
        body = email.message_from_bytes(path.read_bytes(), policy=email.policy.default).get_content()
        found = re.search(re.escape(base_url) + r"(/register/confirm/\S+)", body)
        if found:
            return found.group(1)
    raise AssertionError(f"no confirmation link in {outbox}")


def package_dir() -> Path:
    return Path(sys.modules["lms"].__file__).parent


def submit(client, page: str, action: str, data: dict):
    token = CSRF.search(client.get(page).get_data(as_text=True))
    assert token, f"no form on {page}"
    return client.post(action, data=dict(data, csrf_token=token.group(1)))


if __name__ == "__main__":
    main()

"""Languages: the visitor's choice wins, Arabic pages are right-to-left."""

import pytest


@pytest.fixture(autouse=True)
def _compiled_catalogues(app):
    from pathlib import Path

    folder = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    assert list(folder.glob("*/LC_MESSAGES/messages.mo")), "run `make translations` (make test does)"


def test_arabic_pages_are_right_to_left_and_translated(client):
    client.submit("/language", {"language": "ar", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "Sign in" not in html.split("<main", 1)[1]


def test_french_from_the_browser_preference(client):
    html = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html
    assert "Créer un compte" in html


def test_an_unknown_language_is_ignored(client):
    client.submit("/language", {"language": "xx"})
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


def test_language_choice_returns_to_the_same_page_only_on_this_site(client):
    assert (
        client.submit("/language", {"language": "fr", "next": "/courses"}).headers["Location"] == "/courses"
    )
    assert (
        client.submit("/language", {"language": "fr", "next": "https://evil.example/"}).headers["Location"]
        == "/"
    )


def test_course_text_keeps_its_own_direction_inside_an_arabic_page(client, db):
    from tests import factories

    factories.make_course("english-course")
    db.session.commit()
    client.submit("/language", {"language": "ar"})
    html = client.get("/courses/english-course").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert '<h1 lang="en" dir="ltr">Course english-course</h1>' in html


def test_course_text_markup_escapes_hostile_titles_and_codes(app):
    from lms.i18n import in_language, language_attributes

    assert str(in_language('<script>"x"</script>', "ar")) == (
        '<bdi lang="ar" dir="rtl">&lt;script&gt;&#34;x&#34;&lt;/script&gt;</bdi>'
    )
    assert str(language_attributes('en" onmouseover="x')) == ' lang="en&#34; onmouseover=&#34;x" dir="ltr"'
    assert str(language_attributes("\x00")) == ' lang="\x00" dir="ltr"'
    assert str(language_attributes("nan")) == ' lang="nan" dir="ltr"'  # no such locale


def test_countries_are_named_and_sorted_in_the_readers_language(client, app):
    from lms.countries import country_choices, country_name

    with app.test_request_context(headers={"Accept-Language": "pt"}):
        assert country_name("KE") == "Quénia" and country_name("ke") == "Quénia"
        assert country_name("ZZ") == "ZZ"
        names = [name for _code, name in country_choices()]
        assert names == sorted(names, key=str.casefold) and "Quénia" in names
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert country_name("KE") == "肯尼亚"
    html = client.get("/register", headers={"Accept-Language": "pt"}).get_data(as_text=True)
    assert '<option value="KE">Quénia</option>' in html


def test_roles_are_named_in_the_readers_language(login, make_user):
    from lms.roles import Role

    admin = login(make_user(role=Role.ADMIN))
    admin.submit("/language", {"language": "fr"})
    html = admin.get("/admin/users").get_data(as_text=True)
    assert "<td>Administrateur</td>" in html and "<td>admin</td>" not in html


def test_portuguese_dates_are_written_as_in_portugal_and_lusophone_africa(client, app):
    """The `pt` catalogue with Portugal's formats: "2 de dezembro de 2026", not Brazil's."""
    from datetime import date

    from flask_babel import format_date, gettext

    with app.test_request_context(headers={"Accept-Language": "pt-MZ,pt;q=0.9"}):
        assert format_date(date(2026, 12, 2), "long") == "2 de dezembro de 2026"
        assert gettext("Sign in") != "Sign in"  # the shared catalogue is found
    html = client.get("/", headers={"Accept-Language": "pt"}).get_data(as_text=True)
    assert '<html lang="pt" dir="ltr">' in html and '<option value="pt" lang="pt" selected>' in html

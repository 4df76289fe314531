"""The reader pages: browse with filters, the item page (citation, licence, JSON-LD, language),
downloads with their headers. Anyone can read; drafts do not exist for readers."""

import json
import re
from datetime import datetime

import pytest

from lms.hub.models import Item
from tests.hub.helpers import make_item


@pytest.fixture
def practice(db):
    item = make_item(
        slug="three-campuses",
        title="Three campuses",
        authors=(
            ("Neema Mollel", "Mollel", "Neema"),
            ("Fatmata Sesay", "Sesay", "Fatmata"),
            ("Chea Sokha", "Chea", "Sokha"),
        ),
        published=datetime(2026, 10, 12),
        illustrative=True,
        courses=("ict-basics", "no-such-course"),
    )
    db.session.commit()
    return item


def test_browse_filters_by_theme_country_kind_language_and_year(client, db):
    make_item(slug="blended-sn", themes=("blended-learning",), countries=("SN",), year=2024)
    make_item(
        slug="gender-bd", themes=("gender-equality",), countries=("BD",), regions=("south-asia",), year=2025
    )
    make_item(
        slug="brief-fr",
        kind="publication",
        language="fr",
        themes=("gender-equality",),
        countries=(),
        year=2026,
    )
    db.session.commit()

    def slugs(query: str) -> set[str]:
        page = client.get("/hub?" + query).get_data(as_text=True)
        return set(re.findall(r'href="/hub/(?:practice|publication)/([a-z0-9-]+)"', page))

    assert slugs("") == {"blended-sn", "gender-bd", "brief-fr"}
    assert slugs("theme=gender-equality") == {"gender-bd", "brief-fr"}
    assert slugs("theme=gender-equality&kind=practice") == {"gender-bd"}
    assert slugs("country=SN") == {"blended-sn"}
    assert slugs("region=south-asia") == {"gender-bd"}
    assert slugs("language=fr") == {"brief-fr"}
    assert slugs("year=2024") == {"blended-sn"}
    assert slugs("audience=faculty") == {"blended-sn", "gender-bd", "brief-fr"}
    assert slugs("kind=nonsense&year=abcd&theme=%3Cscript%3E") == set()  # unknown theme matches nothing
    assert slugs("kind=nonsense&year=abcd") == {"blended-sn", "gender-bd", "brief-fr"}  # ignored


def test_browse_pages_and_keeps_to_its_query_budget(app, client, db, count_queries):
    for number in range(app.config["HUB_ITEMS_PER_PAGE"] + 3):
        make_item(title=f"Item {number}", themes=("blended-learning", "accessibility"))
    db.session.commit()
    with count_queries() as counter:
        first = client.get("/hub").get_data(as_text=True)
    assert first.count('class="card hub-card"') == app.config["HUB_ITEMS_PER_PAGE"]
    assert 'rel="next"' in first
    assert counter.count <= 9, counter.statements
    second = client.get("/hub?page=2").get_data(as_text=True)
    assert second.count('class="card hub-card"') == 3
    assert client.get("/hub?page=99999999999999999999").status_code == 200


def test_the_item_page_cites_the_item_in_apa_and_bibtex(client, practice):
    page = client.get("/hub/practice/three-campuses").get_data(as_text=True)
    assert (
        'Mollel, N., Sesay, F., &amp; Chea, S. (2026). <i lang="en" dir="ltr">Three campuses</i> [Illustrative exemplary practice]. '
        "Knowledge hub. http://localhost/hub/practice/three-campuses"
    ) in page
    assert "@misc{mollel2026three," in page
    assert "author = {Mollel, Neema and Sesay, Fatmata and Chea, Sokha}" in page
    assert 'rel="license"' in page and "https://creativecommons.org/licenses/by/4.0/" in page


def test_a_doi_is_linked_and_replaces_the_url_in_the_citation(client, db):
    make_item(slug="with-doi", kind="publication", doi="10.5281/zenodo.1234567")
    db.session.commit()
    page = client.get("/hub/publication/with-doi").get_data(as_text=True)
    assert '<a href="https://doi.org/10.5281/zenodo.1234567">10.5281/zenodo.1234567</a>' in page
    assert "[Report]. Knowledge hub. https://doi.org/10.5281/zenodo.1234567</p>" in page
    assert "doi = {10.5281/zenodo.1234567}" in page


def test_json_ld_is_a_creative_work_for_practices_and_a_scholarly_article_for_publications(
    client, db, practice
):
    make_item(slug="a-report", kind="publication", pdf_text="Body of the report.")
    db.session.commit()

    def json_ld(url):
        page = client.get(url).get_data(as_text=True)
        return json.loads(
            re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
        )

    practice_data = json_ld("/hub/practice/three-campuses")
    assert practice_data["@type"] == "CreativeWork"
    assert practice_data["author"][0] == {
        "@type": "Person",
        "name": "Neema Mollel",
        "familyName": "Mollel",
        "givenName": "Neema",
    }
    assert practice_data["url"] == "http://localhost/hub/practice/three-campuses"
    report = json_ld("/hub/publication/a-report")
    assert report["@type"] == "ScholarlyArticle"
    assert report["encoding"][0]["encodingFormat"] == "application/pdf"


def test_json_ld_cannot_close_its_script_element(client, db):
    make_item(slug="sneaky", title="</script><script>alert(1)</script>")
    db.session.commit()
    page = client.get("/hub/practice/sneaky").get_data(as_text=True)
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(script)["name"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in page


def test_the_content_carries_the_items_language_and_direction(client, db):
    make_item(slug="arabic", language="ar", title="ممارسة", body="نص")
    db.session.commit()
    page = client.get("/hub/practice/arabic").get_data(as_text=True)
    assert '<header lang="ar" dir="rtl">' in page
    assert '<div class="hub-body lesson-body" lang="ar" dir="rtl">' in page
    assert '<html lang="en" dir="ltr">' in page


def test_related_courses_are_the_published_ones_that_exist(client, course, practice):
    page = client.get("/hub/practice/three-campuses").get_data(as_text=True)
    assert 'href="/courses/ict-basics"' in page
    assert "no-such-course" not in page


def test_markdown_goes_through_the_sanitiser(client, db):
    make_item(slug="hostile", body="## Part\n\n<script>alert(1)</script> [x](javascript:alert(1)) **bold**")
    db.session.commit()
    page = client.get("/hub/practice/hostile").get_data(as_text=True)
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)</script>" not in page and "javascript:alert" not in page


def test_the_pdf_is_served_as_a_download_with_safe_headers(client, db):
    item = make_item(slug="report", kind="publication", pdf_text="Text.")
    db.session.commit()
    url = f"/hub/publication/report/files/{item.attachments[0].sha256}.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=report.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.data.startswith(b"%PDF-")
    response.close()
    assert client.get("/hub/practice/report/files/" + item.attachments[0].sha256 + ".pdf").status_code == 404
    assert client.get("/hub/publication/report/files/" + "0" * 64 + ".pdf").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/hub/practice/draft",
        "/hub/nonsense/draft",
        "/hub/practice/none",
        "/hub/practice/%2e%2e",
        "/hub/publication/draft",
    ],
)
def test_drafts_and_unknown_items_are_404(client, db, url):
    make_item(slug="draft", published=None)
    db.session.commit()
    assert client.get(url).status_code == 404


def test_the_navigation_links_to_the_hub(client):
    assert '<a href="/hub"' in client.get("/").get_data(as_text=True)


def test_items_are_ordered_newest_first(client, db):
    make_item(slug="older", published=datetime(2025, 1, 1))
    make_item(slug="newer", published=datetime(2026, 1, 1))
    db.session.commit()
    page = client.get("/hub").get_data(as_text=True)
    assert page.index("/hub/practice/newer") < page.index("/hub/practice/older")
    assert db.session.query(Item).count() == 2


@pytest.mark.parametrize(
    "url",
    [
        "/hub",
        "/hub?theme=blended-learning",
        "/hub/search?q=tutors",
        "/hub/search",
        "/hub/practice/three-campuses",
    ],
)
def test_hub_pages_are_structurally_accessible(client, practice, url):
    from tests.test_accessibility import audit

    page = audit(client, url)
    assert page.h1 == 1 and page.main == 1 and page.lang
    assert page.unlabelled() == [] and page.empty_buttons == 0 and page.images_without_alt == 0


def test_a_translation_pair_links_each_way(client, db):
    original = make_item(slug="brief-en", kind="publication", title="The brief")
    french = make_item(slug="brief-fr", kind="publication", language="fr", title="La note")
    db.session.flush()
    french.translation_of_id = original.id
    db.session.commit()
    english_page = client.get("/hub/publication/brief-en").get_data(as_text=True)
    french_page = client.get("/hub/publication/brief-fr").get_data(as_text=True)
    assert 'href="/hub/publication/brief-fr" hreflang="fr"' in english_page
    assert 'href="/hub/publication/brief-en" hreflang="en"' in french_page

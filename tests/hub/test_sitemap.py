"""The sitemap lists published hub items and published courses, with absolute URLs."""

from lxml import etree

from tests.hub.helpers import make_item

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def test_the_sitemap_lists_published_items_and_courses_only(client, db, course):
    from tests import factories

    make_item(slug="public-one")
    make_item(slug="draft-one", published=None)
    factories.make_course("hidden-course", modules=1, lessons=1, published=False)
    db.session.commit()
    response = client.get("/sitemap.xml")
    assert response.headers["Content-Type"].startswith("application/xml")
    locations = etree.fromstring(response.data).xpath("//s:url/s:loc/text()", namespaces=NS)
    assert "http://localhost/hub/practice/public-one" in locations
    assert "http://localhost/courses/ict-basics" in locations
    assert "http://localhost/hub" in locations
    assert not any("draft-one" in url or "hidden-course" in url for url in locations)

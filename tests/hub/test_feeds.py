"""Atom feeds, read with feedparser (a reader written by others): no bozo, absolute links."""

from datetime import datetime

import feedparser

from tests.hub.helpers import make_item


def test_the_feed_parses_without_bozo_and_lists_new_items_first(client, db):
    make_item(slug="older", title="Older & <wiser>", published=datetime(2025, 1, 1), illustrative=True)
    make_item(slug="newer", title="Niveau supérieur", language="fr", published=datetime(2026, 1, 1))
    make_item(slug="hidden", published=None)
    db.session.commit()
    response = client.get("/hub/feed.atom")
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    assert [entry.link for entry in feed.entries] == [
        "http://localhost/hub/practice/newer",
        "http://localhost/hub/practice/older",
    ]
    assert feed.entries[1].title == "Older & <wiser>"
    assert feed.entries[1].summary.startswith("Illustrative: ")
    assert feed.entries[0].title_detail.language == "fr"
    assert feed.feed.links[0].href == "http://localhost/hub/feed.atom"


def test_links_come_from_base_url_not_from_the_request(make_app, db):
    make_item(slug="somewhere")
    db.session.commit()
    app = make_app(BASE_URL="https://hub.example.org/learn", EXTRA_TRUSTED_HOSTS=["localhost"])
    feed = feedparser.parse(app.test_client().get("/hub/feed.atom").data)
    assert not feed.bozo
    assert feed.entries[0].link == "https://hub.example.org/learn/hub/practice/somewhere"
    assert feed.entries[0].id == "https://hub.example.org/learn/hub/practice/somewhere"


def test_a_theme_feed_has_only_that_themes_items(client, db):
    make_item(slug="gender", themes=("gender-equality",))
    make_item(slug="blended", themes=("blended-learning",))
    db.session.commit()
    feed = feedparser.parse(client.get("/hub/themes/gender-equality/feed.atom").data)
    assert not feed.bozo
    assert [entry.link.rsplit("/", 1)[1] for entry in feed.entries] == ["gender"]
    assert feed.entries[0].tags[0].term == "gender-equality"


def test_an_unknown_theme_has_no_feed(client):
    assert client.get("/hub/themes/nonsense/feed.atom").status_code == 404


def test_an_empty_hub_still_has_a_valid_feed(client):
    feed = feedparser.parse(client.get("/hub/feed.atom").data)
    assert not feed.bozo
    assert feed.entries == []

"""Publishing the participation brief in the hub: who may, what is published (protected figures
and the method note, never exact ones), in which language, where readers and harvesters find
it, and that repeats, races and refusals leave one item or none."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import func, select

from lms.audit.models import Action, AuditEntry
from lms.courses.models import CourseTrainer
from lms.evidence import services
from lms.hub.models import Attachment, Item
from lms.hub.services import attachment_path
from lms.hub.submissions import HubEditor
from lms.reports.brief import findings
from lms.reports.measures import build_report
from lms.reports.queries import ReportFilter
from lms.roles import Role
from tests import factories
from tests.reports.conftest import BASE, add_enrolment

# Every cell key is 0 or KEY (tests/reports/test_views.py): the noise of each count is known.
KEY = 500_000
URL = "/reports/participation/publish"
SCHEMAS = Path(__file__).parents[1] / "hub" / "schemas"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture
def course(db):
    """10 women (2 completed: a count the protected report hides) and 10 men (6 completed), in Kenya."""
    made = factories.make_course("data-course", modules=1, lessons=1)
    for gender, completers in (("woman", 2), ("man", 6)):
        for n in range(10):
            learner = factories.make_user(gender=gender, country="KE")
            done = BASE if n < completers else None
            add_enrolment(learner, made, started=BASE, completed=done, record_key=KEY)
    db.session.commit()
    return made


@pytest.fixture
def admin(make_user, login, course):
    return login(make_user(role=Role.ADMIN))


def form(**overrides) -> dict:
    data = {
        "title": "Participation by gender in the data course",
        "summary": "Who enrols and completes, by gender.",
        "language": "en",
        "licence": "CC-BY-4.0",
        "themes": ["gender-equality"],
    }
    data.update(overrides)
    return data


def items(db) -> list[Item]:
    db.session.expire_all()
    return list(db.session.execute(select(Item)).scalars())


def entries(db, action: Action) -> int:
    return db.session.execute(select(func.count()).where(AuditEntry.action == action.value)).scalar_one()


def published(db, client, query="?course=data-course", **fields) -> Item:
    response = client.submit(URL + query, form(**fields))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    made = items(db)
    assert len(made) == 1
    assert response.headers["Location"] == f"/hub/publication/{made[0].slug}"
    return made[0]


def pdf_text(item: Item) -> str:
    data = attachment_path(item.attachments[0]).read_bytes()
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- who may ------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize(
    ("role", "expected"),
    [("learner", 403), ("trainer", 403), ("editor", 403), ("admin", None)],
)
def test_only_administrators_may_publish(db, client, login, make_user, course, method, role, expected):
    roles = {"learner": Role.LEARNER, "editor": Role.LEARNER, "trainer": Role.TRAINER, "admin": Role.ADMIN}
    user = make_user(role=roles[role])
    if role == "editor":
        db.session.add(HubEditor(user_id=user.id))
        db.session.commit()
    login(user)
    response = client.get(URL) if method == "GET" else client.submit(URL, form())
    assert response.status_code == (expected or (200 if method == "GET" else 302))
    assert len(items(db)) == (1 if role == "admin" and method == "POST" else 0)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_visitors_are_sent_to_sign_in(db, client, course, method):
    response = client.get(URL) if method == "GET" else client.submit(URL, form())
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert items(db) == []


def test_only_administrators_see_the_dashboard_link(db, client, login, make_user, course):
    trainer = make_user(role=Role.TRAINER)
    db.session.add(CourseTrainer(course_id=course.id, user_id=trainer.id))
    db.session.commit()
    page = login(trainer).get("/reports/participation").get_data(as_text=True)
    assert "Policy brief (PDF, protected)" in page and URL not in page
    client.submit("/logout")
    page = login(make_user(role=Role.ADMIN)).get("/reports/participation?country=KE").get_data(as_text=True)
    assert f'href="{URL}?country=KE"' in page


# --- the form and bad input -----------------------------------------------------------------


def test_the_form_is_prefilled_from_the_period_and_the_first_finding(admin):
    page = admin.get(URL + "?enrolled_from=2024-01-01&enrolled_to=2024-12-31").get_data(as_text=True)
    assert 'value="Participation by gender, January 1, 2024 to December 31, 2024"' in page
    assert "Findings, as the brief will state them" in page and "enrolments: " in page
    assert '<option selected value="CC-BY-4.0">' in page
    assert 'checked id="themes-2" name="themes" required type="checkbox" value="gender-equality"' in page
    assert (
        'action="/reports/participation/publish?enrolled_from=2024-01-01&amp;enrolled_to=2024-12-31"' in page
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_bad_filters_are_refused_with_the_reason(db, admin, method):
    response = admin.open(
        URL + "?country=ZZ", method=method, data={**form(), "csrf_token": admin.csrf_token()}
    )
    page = response.get_data(as_text=True)
    assert (
        response.status_code == 400
        and "The filters are not valid" in page
        and "“ZZ” is not a country code" in page
    )
    assert items(db) == []


def test_a_post_without_its_csrf_token_is_refused(db, admin):
    assert admin.post(URL, data=form()).status_code == 400
    assert items(db) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "x" * 301}, "Field cannot be longer than 300 characters."),
        ({"title": "   "}, "This field is required."),
        ({"summary": ""}, "This field is required."),
        ({"themes": []}, "Choose at least one theme."),
        ({"language": "xx"}, "Not a valid choice."),
        ({"licence": "All rights reserved"}, "Not a valid choice."),
    ],
)
def test_a_bad_field_is_a_form_error_and_nothing_is_written(db, admin, fields, message):
    response = admin.submit(URL, form(**fields))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert items(db) == [] and entries(db, Action.HUB_BRIEF_PUBLISHED) == 0


def test_nul_bytes_are_refused(db, admin):
    assert admin.submit(URL, form(title="Brief\x00")).status_code == 400
    assert admin.get(URL + "?institution=a%00b").status_code == 400
    assert items(db) == []


def test_too_few_people_is_nothing_to_publish(db, admin):
    page = admin.get(URL + "?country=SN").get_data(as_text=True)
    assert "there is nothing to publish" in page and f'action="{URL}' not in page
    response = admin.submit(URL + "?country=SN", form())
    assert response.status_code == 422 and "there is nothing to publish" in response.get_data(as_text=True)
    assert items(db) == []


def test_a_refused_pdf_leaves_nothing_written(db, admin, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_PDF_BYTES", 1000)
    response = admin.submit(URL, form())
    assert response.status_code == 422 and "PDF files can be at most" in response.get_data(as_text=True)
    assert (
        items(db) == [] and db.session.execute(select(func.count()).select_from(Attachment)).scalar_one() == 0
    )
    assert entries(db, Action.HUB_BRIEF_PUBLISHED) == 0


# --- what is published ----------------------------------------------------------------------


def test_the_published_item_is_a_policy_brief_by_the_centre(db, app, admin, course):
    item = published(
        db, admin, query="?course=data-course&country=KE", themes=["gender-equality", "data-and-evidence"]
    )
    assert item.is_published and item.kind == "publication" and item.publication_type == "policy-brief"
    assert [(a.type, a.name) for a in item.authors] == [("organisation", app.config["SITE_NAME"])]
    assert (item.language, item.direction, item.licence) == ("en", "ltr", "CC-BY-4.0")
    assert item.year == datetime.now(UTC).year
    assert item.themes == ["gender-equality", "data-and-evidence"] and item.countries == ["KE"]
    assert item.title == "Participation by gender in the data course"
    assert item.summary == "Who enrols and completes, by gender."
    assert "## Findings" in item.body and "## Method" in item.body
    assert "cell-key method" in item.body  # the disclosure method is in the method note
    [attachment] = item.attachments
    # Words without an f-ligature: "fi" and "ff" can come out of the PDF as nothing (see README,
    # "Knowledge hub", known problem), depending on what the process typeset before.
    assert attachment.pages >= 2 and "Gender parity index" in attachment.text
    audit = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == Action.HUB_BRIEF_PUBLISHED.value)
    ).scalar_one()
    assert audit.details == {"item": item.id, "language": "en"}


def test_the_body_states_the_protected_figures_never_the_exact_ones(db, admin, course):
    item = published(db, admin)
    chosen = ReportFilter(course_ids=(course.id,), described={"course": "data-course"})
    protected = build_report(chosen, ("country", "course"), threshold=5, protected=True)
    exact = build_report(chosen, ("country", "course"), threshold=5, protected=False)
    said, true = findings(protected), findings(exact)
    for sentence in said:
        assert f"- {sentence}" in item.body
    # Two women completed: the exact rate (20.0%) is hidden, so women and men are not compared.
    assert "Completion rate: women 20.0%" in " ".join(true)
    assert "Completion rate: women and men cannot be compared" in item.body
    withheld = [sentence for sentence in true if sentence not in said]
    assert withheld and not any(sentence in item.body for sentence in withheld)
    assert "20.0%" not in item.body and "20.0%" not in item.attachments[0].text
    # 10 women enrolled; the count published is perturbed (their keys sum to 0: noise -2).
    assert "10 by women" in true[0] and "8 by women" in said[0] and "10 by women" not in item.body


@pytest.mark.parametrize(
    ("language", "direction", "word", "heading"),
    [
        ("en", "ltr", "Gender parity index", "## Findings"),
        ("fr", "ltr", "Indice de parité entre les sexes", "## Constats"),
        ("ar", "rtl", "الصفحة", "## النتائج"),
    ],
)
def test_the_brief_is_published_in_the_chosen_language(db, admin, language, direction, word, heading):
    item = published(db, admin, language=language)
    assert (item.language, item.direction) == (language, direction)
    assert word in pdf_text(item)
    assert heading in item.body
    page = admin.get(f"/hub/publication/{item.slug}").get_data(as_text=True)
    assert f'lang="{language}" dir="{direction}"' in page


def test_the_item_is_public_and_found_by_a_word_only_in_its_pdf(db, client, admin):
    item = published(db, admin)
    client.submit("/logout")
    page = client.get(f"/hub/publication/{item.slug}")
    assert page.status_code == 200 and item.title in page.get_data(as_text=True)
    download = client.get(f"/hub/publication/{item.slug}/files/{item.attachments[0].sha256}.pdf")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    download.close()
    assert "Headline" not in item.body and "Headline" not in item.summary
    results = client.get("/hub/search?q=headline").get_data(as_text=True)
    assert f"/hub/publication/{item.slug}" in results


@pytest.fixture(scope="module")
def schemas():
    return (
        etree.XMLSchema(etree.parse(str(SCHEMAS / "OAI-PMH.xsd"))),
        etree.XMLSchema(etree.parse(str(SCHEMAS / "oai_dc.xsd"))),
    )


def test_harvesters_get_it_by_oai_pmh_and_the_atom_feed(db, client, admin, schemas):
    item = published(db, admin, language="fr")
    identifier = f"oai:localhost:hub/publication/{item.slug}"
    envelope, dublin_core = schemas
    for query in (
        "verb=ListRecords&metadataPrefix=oai_dc&set=theme:gender-equality",
        f"verb=GetRecord&metadataPrefix=oai_dc&identifier={identifier}",
    ):
        document = etree.fromstring(client.get(f"/oai?{query}").data)
        envelope.assertValid(document)
        [record] = [
            r
            for r in document.iter(f"{OAI}record")
            if r.findtext(f"{OAI}header/{OAI}identifier") == identifier
        ]
        metadata = record.find(f"{OAI}metadata")[0]
        dublin_core.assertValid(metadata)
        assert metadata.findtext(f"{DC}title") == item.title
        assert metadata.findtext(f"{DC}language") == "fr"
        assert item.authors[0].name in [creator.text for creator in metadata.iter(f"{DC}creator")]
    feed = feedparser.parse(client.get("/hub/feed.atom").data)
    assert not feed.bozo
    assert f"http://localhost/hub/publication/{item.slug}" in [entry.link for entry in feed.entries]


# --- once -------------------------------------------------------------------------------------


def test_a_double_submit_makes_one_item(db, admin):
    first = published(db, admin)
    again = admin.submit(URL + "?course=data-course", form(), follow_redirects=True)
    assert again.status_code == 200 and "already published today" in again.get_data(as_text=True)
    assert [item.id for item in items(db)] == [first.id]
    assert entries(db, Action.HUB_BRIEF_PUBLISHED) == 1
    page = admin.get(URL + "?course=data-course").get_data(as_text=True)
    assert "Already published today with these filters" in page and f"/hub/publication/{first.slug}" in page


def test_another_language_or_filter_is_another_brief(db, admin):
    published(db, admin)
    assert admin.submit(URL + "?course=data-course", form(language="fr")).status_code == 302
    assert admin.submit(URL, form()).status_code == 302
    assert len({item.slug for item in items(db)}) == 3


def test_a_concurrent_publication_that_won_the_slug_is_shown_not_doubled(db, admin, monkeypatch):
    """The other request committed between this one's check and its insert: the insert finds
    the slug taken and does nothing, and the page links to the item that won."""
    first = published(db, admin)
    looked = []
    real = services._by_slug

    def late(slugs):
        looked.append(slugs)
        return [] if len(looked) == 1 else real(slugs)

    monkeypatch.setattr(services, "_by_slug", late)
    response = admin.submit(URL + "?course=data-course", form())
    assert response.status_code == 302 and response.headers["Location"] == f"/hub/publication/{first.slug}"
    assert len(looked) == 2
    assert [item.id for item in items(db)] == [first.id]
    assert entries(db, Action.HUB_BRIEF_PUBLISHED) == 1


def test_the_page_is_structurally_accessible_in_arabic_too(admin):
    from tests.test_accessibility import Audit

    for language in ("en", "ar"):
        admin.set_cookie("lang", language)
        checker = Audit()
        checker.feed(admin.get(URL).get_data(as_text=True))
        assert (checker.h1, checker.main, checker.lang) == (1, 1, language)
        assert checker.unlabelled() == [] and checker.empty_buttons == 0


def test_two_requests_at_once_make_one_item(db, app, admin, monkeypatch):
    """Both pass the check for an existing brief before either inserts (a barrier holds them):
    the database lets one insert and the other, after waiting for it, inserts nothing."""
    import threading

    barrier = threading.Barrier(2, timeout=30)
    real = services.insert_unless_present

    def together(model):
        barrier.wait()
        return real(model)

    monkeypatch.setattr(services, "insert_unless_present", together)
    cookie = admin.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = admin.csrf_token()
    answers = []

    def publish():
        client = app.test_client()
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        response = client.post(URL, data={**form(), "csrf_token": token})
        answers.append((response.status_code, response.headers.get("Location")))

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    [item] = items(db)
    assert answers == [(302, f"/hub/publication/{item.slug}")] * 2
    assert entries(db, Action.HUB_BRIEF_PUBLISHED) == 1 and len(item.attachments) == 1

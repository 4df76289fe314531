"""OAI-PMH 2.0 harvested by Sickle (a harvester written by others) over HTTP, every verb and a
resumption token, with every response validated against the protocol's XML schema (bundled in
tests/hub/schemas, see its README) and each record against oai_dc's."""

import threading
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from sickle import Sickle, oaiexceptions
from werkzeug.serving import make_server

from tests.hub.helpers import make_item

SCHEMAS = Path(__file__).parent / "schemas"
OAI = "{http://www.openarchives.org/OAI/2.0/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}dc"


@pytest.fixture(scope="module")
def schemas():
    return (
        etree.XMLSchema(etree.parse(str(SCHEMAS / "OAI-PMH.xsd"))),
        etree.XMLSchema(etree.parse(str(SCHEMAS / "oai_dc.xsd"))),
    )


def assert_valid(xml: bytes, schemas) -> etree._Element:
    envelope, dublin_core = schemas
    document = etree.fromstring(xml)
    envelope.assertValid(document)
    for record in document.iter(OAI_DC):
        dublin_core.assertValid(record)
    return document


class CheckingSickle(Sickle):
    """Sickle that validates every response it receives."""

    def __init__(self, endpoint, schemas, **kwargs):
        super().__init__(endpoint, **kwargs)
        self.schemas = schemas
        self.responses = []

    def harvest(self, **kwargs):
        response = super().harvest(**kwargs)
        assert_valid(response.raw.encode("utf-8"), self.schemas)
        self.responses.append(kwargs)
        return response


@pytest.fixture
def world(db):
    items = [
        make_item(slug="p1", themes=("gender-equality",), published=datetime(2026, 9, 1)),
        make_item(slug="p2", themes=("blended-learning", "accessibility"), published=datetime(2026, 9, 2)),
        make_item(
            slug="r1",
            kind="publication",
            themes=("gender-equality",),
            pdf_text="Text",
            doi="10.5281/zenodo.42",
        ),
        make_item(
            slug="r2", kind="publication", language="fr", title="Note d'orientation", illustrative=True
        ),
        make_item(slug="p3", themes=("quality-assurance",)),
        make_item(slug="draft", published=None),
    ]
    db.session.commit()
    return items


@pytest.fixture
def endpoint(make_app):
    """A live server of an app whose lists come in pages of 2."""
    app = make_app(OAI_PAGE_SIZE=2)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/oai"
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def harvester(endpoint, schemas):
    return CheckingSickle(endpoint, schemas, max_retries=0)


def test_identify(harvester, world):
    identify = harvester.Identify()
    assert identify.protocolVersion == "2.0"
    assert identify.baseURL == "http://localhost/oai"
    assert identify.deletedRecord == "no"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"


def test_list_metadata_formats_and_sets(harvester, world):
    assert [f.metadataPrefix for f in harvester.ListMetadataFormats()] == ["oai_dc"]
    assert [
        f.metadataPrefix for f in harvester.ListMetadataFormats(identifier="oai:localhost:hub/practice/p1")
    ] == ["oai_dc"]
    specs = {s.setSpec for s in harvester.ListSets()}
    assert {"type:practice", "type:publication", "theme:gender-equality"} <= specs


def test_list_records_follows_resumption_tokens_through_every_published_item(harvester, world):
    records = list(harvester.ListRecords(metadataPrefix="oai_dc"))
    identifiers = [record.header.identifier for record in records]
    assert sorted(identifiers) == sorted(
        f"oai:localhost:hub/{kind}/{slug}"
        for kind, slug in [
            ("practice", "p1"),
            ("practice", "p2"),
            ("publication", "r1"),
            ("publication", "r2"),
            ("practice", "p3"),
        ]
    )
    assert (
        sum(1 for kwargs in harvester.responses if "resumptionToken" in kwargs) == 2
    )  # pages of 2: 2 + 2 + 1
    r2 = next(record for record in records if record.header.identifier.endswith("/r2"))
    assert r2.metadata["language"] == ["fr"]
    assert r2.metadata["description"][0].startswith("Illustrative: ")
    r1 = next(record for record in records if record.header.identifier.endswith("/r1"))
    assert "https://doi.org/10.5281/zenodo.42" in r1.metadata["identifier"]
    assert r1.metadata["rights"] == ["https://creativecommons.org/licenses/by/4.0/"]


def test_list_identifiers_by_set(harvester, world):
    headers = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="theme:gender-equality"))
    assert sorted(h.identifier for h in headers) == [
        "oai:localhost:hub/practice/p1",
        "oai:localhost:hub/publication/r1",
    ]
    assert all("theme:gender-equality" in h.setSpecs for h in headers)
    publications = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="type:publication"))
    assert len(publications) == 2


def test_from_and_until_select_by_datestamp(harvester, world):
    assert len(list(harvester.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2000-01-01"}))) == 5
    with pytest.raises(oaiexceptions.NoRecordsMatch):
        list(harvester.ListIdentifiers(metadataPrefix="oai_dc", until="2000-01-01"))
    with pytest.raises(oaiexceptions.NoRecordsMatch):
        list(harvester.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2999-01-01T00:00:00Z"}))


def test_get_record(harvester, world):
    record = harvester.GetRecord(identifier="oai:localhost:hub/practice/p2", metadataPrefix="oai_dc")
    assert record.metadata["title"] == ["Tutors in the evening"]
    assert record.metadata["identifier"] == ["http://localhost/hub/practice/p2"]
    assert record.metadata["creator"] == ["Chea, Sokha"]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (
            lambda h: h.GetRecord(identifier="oai:localhost:hub/practice/draft", metadataPrefix="oai_dc"),
            oaiexceptions.IdDoesNotExist,
        ),
        (
            lambda h: h.GetRecord(identifier="oai:elsewhere:hub/practice/p1", metadataPrefix="oai_dc"),
            oaiexceptions.IdDoesNotExist,
        ),
        (
            lambda h: h.GetRecord(identifier="oai:localhost:hub/practice/p1", metadataPrefix="marc21"),
            oaiexceptions.CannotDisseminateFormat,
        ),
        (lambda h: h.GetRecord(identifier="oai:localhost:hub/practice/p1"), oaiexceptions.BadArgument),
        (
            lambda h: list(h.ListRecords(metadataPrefix="oai_dc", set="theme:nonsense")),
            oaiexceptions.NoRecordsMatch,
        ),
        (
            lambda h: list(h.ListRecords(metadataPrefix="oai_dc", **{"from": "yesterday"})),
            oaiexceptions.BadArgument,
        ),
        (
            lambda h: list(
                h.ListRecords(
                    metadataPrefix="oai_dc", **{"from": "2026-01-01", "until": "2026-01-01T00:00:00Z"}
                )
            ),
            oaiexceptions.BadArgument,
        ),
        (
            lambda h: list(
                h.ListRecords(metadataPrefix="oai_dc", **{"from": "2026-02-01", "until": "2026-01-01"})
            ),
            oaiexceptions.BadArgument,
        ),
        (lambda h: list(h.ListRecords()), oaiexceptions.BadArgument),
        (lambda h: list(h.ListIdentifiers(metadataPrefix="oai_dc", surprise="1")), oaiexceptions.BadArgument),
        (
            lambda h: list(h.ListMetadataFormats(identifier="oai:localhost:hub/practice/nope")),
            oaiexceptions.IdDoesNotExist,
        ),
        (lambda h: list(h.ListRecords(resumptionToken="forged")), oaiexceptions.BadResumptionToken),
    ],
)
def test_protocol_errors(harvester, world, call, error):
    with pytest.raises(error):
        call(harvester)


def test_a_tampered_resumption_token_is_refused(client, world, schemas, app, monkeypatch):
    monkeypatch.setitem(app.config, "OAI_PAGE_SIZE", 2)
    first = assert_valid(client.get("/oai?verb=ListIdentifiers&metadataPrefix=oai_dc").data, schemas)
    token = first.find(f".//{OAI}resumptionToken").text
    assert first.find(f".//{OAI}resumptionToken").get("completeListSize") == "5"
    following = assert_valid(
        client.get("/oai", query_string={"verb": "ListIdentifiers", "resumptionToken": token}).data, schemas
    )
    assert len(following.findall(f".//{OAI}header")) == 2
    payload, _, signature = token.rpartition(".")
    tampered = token[:5] + ("A" if token[5] != "A" else "B") + token[6:]
    for bad in (tampered, payload + ".x", token + "x"):
        answer = assert_valid(
            client.get("/oai", query_string={"verb": "ListIdentifiers", "resumptionToken": bad}).data, schemas
        )
        assert answer.find(f"{OAI}error").get("code") == "badResumptionToken"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "verb=Nope",
        "verb=Identify&verb=Identify",
        "verb=Identify&extra=1",
        "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc",
        "verb=ListRecords&metadataPrefix=oai_dc&resumptionToken=abc",
        "verb=GetRecord&identifier=" + "x" * 10_000 + "&metadataPrefix=oai_dc",
        "verb=GetRecord&identifier=%3C%3E%22%27&metadataPrefix=%3Cscript%3E",
        "verb=ListSets&resumptionToken=abc",
        "verb=ListRecords&metadataPrefix=oai_dc&set=%3Cbad%3E",
        "verb=ListRecords&metadataPrefix=oai_dc&from=2026-13-45",
    ],
)
def test_every_bad_request_gets_a_valid_error_document(client, world, schemas, query):
    response = client.get("/oai?" + query)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    document = assert_valid(response.data, schemas)
    assert document.find(f"{OAI}error") is not None


def test_post_requests_work_without_a_csrf_token(client, world, schemas):
    response = client.post("/oai", data={"verb": "Identify"})
    assert response.status_code == 200
    assert_valid(response.data, schemas)


def test_list_records_keeps_to_its_query_budget(client, world, count_queries):
    with count_queries() as counter:
        assert client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc").status_code == 200
    assert counter.count <= 7, counter.statements

"""OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html) over published items.

`respond(arguments)` answers one request (the arguments of a GET query or POST form, each name
with all its values) with the XML document the protocol prescribes; protocol errors are XML
with their codes (HTTP 200), never a page. Records are Dublin Core (`oai_dc`); sets are
`type:practice`, `type:publication` and `theme:<slug>`. Datestamps are `Item.updated_at` in
seconds (UTC). Lists come in pages of OAI_PAGE_SIZE with a resumption token: the position
after the last record sent (its datestamp and id) and the request's filters, signed with the
site's secret and valid OAI_TOKEN_MAX_AGE seconds; an altered or expired token is
badResumptionToken. Deleted records are not kept ("no").
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from itsdangerous import BadSignature, URLSafeTimedSerializer
from lxml import etree
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from lms.columns import utcnow
from lms.countries import country_name
from lms.extensions import db
from lms.hub import citation
from lms.hub.models import Facet, Item, Kind, Status
from lms.hub.vocabulary import KINDS, LICENCES, PUBLICATION_TYPES, THEMES
from lms.links import absolute_url

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"

VERBS = {
    # verb: (required, optional, exclusive)
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
}
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _e(parent, name: str, text: str | None = None, namespace: str = OAI, **attributes) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


def datestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _host() -> str:
    return urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"


def identifier_of(item: Item) -> str:
    return f"oai:{_host()}:hub/{item.kind.value}/{item.slug}"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="oai-pmh resumption token")


def respond(arguments: dict[str, list[str]]) -> bytes:
    """The XML answer to one OAI-PMH request."""
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} {OAI_SCHEMA}")
    _e(root, "responseDate", datestamp(utcnow()))
    request_element = _e(root, "request", absolute_url("hub.oai"))
    try:
        verb, args = _check(arguments)
        for name, value in sorted(({"verb": verb} | args).items()):
            if _echoable(name, value):
                request_element.set(name, value)
        _HANDLERS[verb](_e(root, verb), args)
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            request_element.attrib.clear()  # the protocol: no attributes when the request was wrong
        for child in root[2:]:
            root.remove(child)
        _e(root, "error", error.message, code=error.code)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


PREFIX = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
URI = re.compile(r"[^\s<>\"{}|\\^`]+")


def _echoable(name: str, value: str) -> bool:
    """Whether `value` has the type the schema gives the request element's attribute `name`
    (a refused argument is not echoed, so the error document stays valid)."""
    if name == "metadataPrefix":
        return PREFIX.fullmatch(value) is not None
    if name == "set":
        return SET_SPEC.fullmatch(value) is not None
    if name == "identifier":
        return URI.fullmatch(value) is not None
    if name in ("from", "until"):
        try:
            _parse_date(value, False)
        except OaiError:
            return False
    return True


def _safe(value: str) -> bool:
    """Can go into an XML attribute (no control characters lxml refuses) and is not huge."""
    return len(value) <= 1000 and not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", value)


def _check(arguments: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    verbs = arguments.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", "Illegal OAI verb" if len(verbs) <= 1 else "The verb is repeated")
    verb = verbs[0]
    required, optional, exclusive = VERBS[verb]
    args = {}
    for name, values in arguments.items():
        if name == "verb":
            continue
        if name not in required | optional | ({exclusive} if exclusive else set()):
            raise OaiError("badArgument", f"Illegal argument for {verb}")
        if len(values) != 1:
            raise OaiError("badArgument", "An argument is repeated")
        if not _safe(values[0]):
            raise OaiError("badArgument", "An argument holds characters that are not allowed")
        args[name] = values[0]
    if exclusive and exclusive in args:
        if len(args) > 1:
            raise OaiError("badArgument", f"{exclusive} is an exclusive argument")
        return verb, args
    missing = required - set(args)
    if missing:
        raise OaiError("badArgument", f"Missing argument: {', '.join(sorted(missing))}")
    return verb, args


def _identify(element, args) -> None:
    _e(element, "repositoryName", f"{current_app.config['SITE_NAME']}: knowledge hub")
    _e(element, "baseURL", absolute_url("hub.oai"))
    _e(element, "protocolVersion", "2.0")
    _e(element, "adminEmail", current_app.config["OAI_ADMIN_EMAIL"])
    earliest = db.session.execute(
        select(func.min(Item.updated_at)).where(Item.status == Status.PUBLISHED)
    ).scalar()
    _e(element, "earliestDatestamp", datestamp(earliest or utcnow()))
    _e(element, "deletedRecord", "no")
    _e(element, "granularity", "YYYY-MM-DDThh:mm:ssZ")


def _metadata_formats(element, args) -> None:
    if "identifier" in args:
        _find(args["identifier"])
    formats = _e(element, "metadataFormat")
    _e(formats, "metadataPrefix", "oai_dc")
    _e(formats, "schema", OAI_DC_SCHEMA)
    _e(formats, "metadataNamespace", OAI_DC)


def set_specs() -> dict[str, str]:
    """setSpec -> setName, in English (harvesters show them as they are)."""
    with force_locale("en"):
        sets = {f"type:{kind}": str(label) for kind, label in KINDS.items()}
        sets |= {f"theme:{slug}": str(label) for slug, label in THEMES.items()}
    return sets


def _sets(element, args) -> None:
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", "ListSets has no resumption tokens")
    for spec, name in set_specs().items():
        entry = _e(element, "set")
        _e(entry, "setSpec", spec)
        _e(entry, "setName", name)


def _find(identifier: str) -> Item:
    prefix = f"oai:{_host()}:hub/"
    kind, _, slug = identifier.removeprefix(prefix).partition("/")
    if not identifier.startswith(prefix) or kind not in {k.value for k in Kind}:
        raise OaiError("idDoesNotExist", "No record has this identifier")
    item = db.session.execute(
        select(Item)
        .where(Item.status == Status.PUBLISHED, Item.kind == Kind(kind), Item.slug == slug)
        .options(
            selectinload(Item.facets),
            selectinload(Item.authors),
            selectinload(Item.translation_of),
            selectinload(Item.attachments),
        )
    ).scalar_one_or_none()
    if item is None:
        raise OaiError("idDoesNotExist", "No record has this identifier")
    return item


def _check_prefix(prefix: str) -> None:
    if prefix != "oai_dc":
        raise OaiError("cannotDisseminateFormat", "Only oai_dc is disseminated")


def _get_record(element, args) -> None:
    _check_prefix(args["metadataPrefix"])
    item = _find(args["identifier"])
    _record(_e(element, "record"), item)


def _parse_date(value: str, end: bool) -> tuple[datetime, str]:
    try:
        if SECOND.fullmatch(value):
            return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ"), "second"
        if DAY.fullmatch(value):
            day = datetime.strptime(value, "%Y-%m-%d")
            return (day + timedelta(days=1) - timedelta(seconds=1) if end else day), "day"
    except ValueError:
        pass
    raise OaiError("badArgument", "Dates are YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ")


def _list_state(args: dict[str, str]) -> dict:
    """The request's filters and position, from its arguments or its resumption token."""
    if "resumptionToken" in args:
        try:
            state = _serializer().loads(
                args["resumptionToken"], max_age=current_app.config["OAI_TOKEN_MAX_AGE"]
            )
        except BadSignature:
            raise OaiError("badResumptionToken", "The resumption token is invalid or expired") from None
        if not isinstance(state, dict) or state.get("prefix") != "oai_dc":
            raise OaiError("badResumptionToken", "The resumption token is invalid or expired")
        return state
    _check_prefix(args["metadataPrefix"])
    state = {"prefix": "oai_dc", "set": args.get("set"), "from": args.get("from"), "until": args.get("until")}
    granularities = set()
    for key, end in (("from", False), ("until", True)):
        if state[key]:
            granularities.add(_parse_date(state[key], end)[1])
    if len(granularities) > 1:
        raise OaiError("badArgument", "from and until have different granularities")
    if (
        state["from"]
        and state["until"]
        and _parse_date(state["from"], False)[0] > _parse_date(state["until"], True)[0]
    ):
        raise OaiError("badArgument", "from is later than until")
    if state["set"] and state["set"] not in set_specs():
        raise OaiError("noRecordsMatch", "No set has this setSpec")
    state["after"] = None
    state["cursor"] = 0
    return state


def _filtered(state: dict):
    query = select(Item).where(Item.status == Status.PUBLISHED)
    if state.get("from"):
        query = query.where(Item.updated_at >= _parse_date(state["from"], False)[0])
    if state.get("until"):
        query = query.where(Item.updated_at < _parse_date(state["until"], True)[0] + timedelta(seconds=1))
    spec = state.get("set")
    if spec and spec.startswith("type:"):
        query = query.where(Item.kind == Kind(spec.removeprefix("type:")))
    elif spec and spec.startswith("theme:"):
        theme = spec.removeprefix("theme:")
        query = query.where(
            exists().where(and_(Facet.item_id == Item.id, Facet.facet == "theme", Facet.value == theme))
        )
    return query


def _list(element, args, records: bool) -> None:
    state = _list_state(args)
    base = _filtered(state)
    total = db.session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    page = base
    if state.get("after"):
        moment, last_id = datetime.fromisoformat(state["after"][0]), state["after"][1]
        page = page.where(or_(Item.updated_at > moment, and_(Item.updated_at == moment, Item.id > last_id)))
    size = current_app.config["OAI_PAGE_SIZE"]
    page = page.order_by(Item.updated_at, Item.id).limit(size + 1)
    if records:
        page = page.options(
            selectinload(Item.facets),
            selectinload(Item.authors),
            selectinload(Item.translation_of),
            selectinload(Item.attachments),
        )
    else:
        page = page.options(selectinload(Item.facets))
    items = list(db.session.execute(page).scalars())
    if not items:
        raise OaiError("noRecordsMatch", "No record matches the request")
    more = len(items) > size
    items = items[:size]
    for item in items:
        if records:
            _record(_e(element, "record"), item)
        else:
            _header(element, item)
    cursor = state["cursor"]
    if more or "resumptionToken" in args:
        token = _e(element, "resumptionToken", completeListSize=str(total), cursor=str(cursor))
        if more:
            last = items[-1]
            following = state | {
                "after": [last.updated_at.isoformat(), last.id],
                "cursor": cursor + len(items),
            }
            token.text = _serializer().dumps(following)
            expires = utcnow() + timedelta(seconds=current_app.config["OAI_TOKEN_MAX_AGE"])
            token.set("expirationDate", datestamp(expires))


def _header(parent, item: Item) -> None:
    header = _e(parent, "header")
    _e(header, "identifier", identifier_of(item))
    _e(header, "datestamp", datestamp(item.updated_at))
    _e(header, "setSpec", f"type:{item.kind.value}")
    for theme in item.themes:
        _e(header, "setSpec", f"theme:{theme}")


def _record(parent, item: Item) -> None:
    _header(parent, item)
    metadata = _e(parent, "metadata")
    dc = etree.SubElement(metadata, f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    dc.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} {OAI_DC_SCHEMA}")

    def add(name: str, text: str, lang: str | None = None) -> None:
        element = _e(dc, name, text, namespace=DC)
        if lang:
            element.set(XML_LANG, lang)

    add("title", item.title, item.language)
    for author in item.authors:
        add(
            "creator",
            f"{author.family}, {author.given}" if author.type == "person" and author.given else author.name,
        )
    with force_locale("en"):
        for theme in item.themes:
            add("subject", str(THEMES.get(theme, theme)), "en")
        kind = str(PUBLICATION_TYPES.get(item.publication_type or "", KINDS[item.kind.value]))
        countries = [country_name(code) for code in item.countries]
    for keyword in item.keywords or []:
        add("subject", keyword, item.language)
    description = item.summary
    if item.illustrative:
        description = "Illustrative: " + description
    add("description", description, item.language)
    add("publisher", current_app.config["SITE_NAME"])
    if item.published_at:
        add("date", item.published_at.date().isoformat())
    add("type", "Text")
    add("type", kind, "en")
    add("format", "application/pdf" if item.attachments else "text/html")
    add("identifier", citation.item_url(item))
    if item.doi:
        add("identifier", citation.doi_url(item))
    add("language", item.language)
    if item.translation_of is not None:
        add("relation", citation.item_url(item.translation_of))
    add("coverage", str(item.year))
    for country in countries:
        add("coverage", country, "en")
    add("rights", LICENCES[item.licence][1])


_HANDLERS = {
    "Identify": _identify,
    "ListMetadataFormats": _metadata_formats,
    "ListSets": _sets,
    "ListIdentifiers": lambda element, args: _list(element, args, records=False),
    "ListRecords": lambda element, args: _list(element, args, records=True),
    "GetRecord": _get_record,
}

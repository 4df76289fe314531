"""Every route of the URL map, for every role, with hostile values in its path, its query string
and the fields of every form that targets it, and with wrong methods: nothing answers 500 and
nothing logs a traceback.

The world (the access matrix's, tests/access/) is built once for the module and each role signs
in once; each route's crawl runs in a transaction that is rolled back (the access matrix's
`rolled_back`), and every request carries the role's session cookie, so a request that signs
out, leaves a course or resets a password changes nothing for the next one. Forms are found by reading every page the way a browser
would (tests/robustness/crawl.py), so a new form is crawled without being listed anywhere.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from io import BytesIO
from urllib.parse import unquote, unquote_to_bytes, urlsplit

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound

from lms.extensions import db as _db
from tests.access import LOGIN, all_routes, build_world
from tests.conftest import empty_tables
from tests.factories import DEFAULT_PASSWORD
from tests.robustness.crawl import (
    HOSTILE,
    PATH_INT,
    PATH_TEXT,
    QUERY_VALUES,
    UNSTORABLE,
    WRONG_METHODS,
    Form,
    encode,
    forms_on,
    q,
    with_value,
)
from tests.test_access_matrix import rolled_back  # noqa: F401  (a fixture: each route's crawl is undone)

# The crawl's roles, as columns of the access matrix (tests/access/): a learner enrolled in `open`,
# the trainer of `open`, an administrator.
ROLES = ("anonymous", "enrolled", "trainer", "admin")
pytestmark = pytest.mark.shared_world

# Query parameters that views read by hand, tried on every page besides its forms' fields.
GENERIC_PARAMETERS = ("page", "per_page", "next", "q", "sort", "order", "course", "code")
FILE_CONTENT = b"\x00\xff\xfe" + b"[" * 2000 + b"\r\n" * 50
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
# 500s whose cause lies in another engineer's area: skipped by the crawl, and kept as expected
# failures below so that the fix shows (strict: an unexpected pass fails, remove the entry then).
KNOWN: dict[tuple[str, str, str], str] = {}
ENDPOINTS = sorted({route.endpoint for route in all_routes()} | {"static"})


@dataclass
class Example:
    method: str
    path: str
    query: str
    data: dict
    expected: dict  # role -> status, from the access matrix

    @property
    def submitter(self) -> str:
        """Who gets past the access check of this POST: the first signed-in role not refused."""
        allowed = [r for r in ROLES[1:] if self.expected[r] not in (403, 404, LOGIN)]
        return (allowed or ["anonymous"])[0]


@dataclass
class Finding:
    role: str
    what: str
    method: str
    url: str
    status: int | str

    def __str__(self) -> str:
        url = self.url if len(self.url) < 160 else self.url[:150] + f"...({len(self.url)} chars)"
        return f"{self.role}: {self.what}: {self.method} {url} -> {self.status}"


@dataclass
class World:
    app: object
    emails: dict[str, str]
    ids: list[int]
    slugs: list[str]
    examples: dict[str, list[Example]] = field(default_factory=dict)
    forms: dict[tuple[str, str], list[Form]] = field(default_factory=dict)  # (role, endpoint)
    reach: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (role, method, url)
    visitors: dict[str, tuple[str | None, str]] = field(default_factory=dict)

    def sign_in(self, role: str) -> None:
        """Sign `role` in once and keep what its browser holds: the session cookie and token."""
        client = self.app.test_client()
        if role != "anonymous":
            response = client.submit("/login", {"email": self.emails[role], "password": DEFAULT_PASSWORD})
            assert response.status_code == 302, role
        cookie = client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        self.visitors[role] = (cookie.value if cookie else None, client.csrf_token())

    def client(self, role: str):
        """A browser holding `role`'s session (`.token` is its CSRF token)."""
        client = self.app.test_client()
        client.cookie, client.token = self.visitors[role]
        return client

    def rule_of(self, example: Example) -> str:
        adapter = self.app.url_map.bind("localhost")
        try:
            return adapter.match(example.path, method=example.method, return_rule=True)[0].rule
        except Exception:
            return example.path

    def endpoint_of(self, method: str, path: str) -> str | None:
        adapter = self.app.url_map.bind("localhost")
        try:
            return adapter.match(path, method=method)[0]
        except (NotFound, MethodNotAllowed):
            return None
        except Exception:  # a redirect (trailing slash): not a form target we crawl
            return None


@pytest.fixture(scope="module")
def world(app):
    """The access matrix's world, committed once (`shared_world`: emptied when the module ends)."""
    with app.app_context():
        built = build_world()
        _db.session.commit()
        # Other people's ids: every person and certificate of the world and one past the last,
        # except the trainer's (removing the trainer from a course would close later routes).
        people = [v for v in vars(built).values() if type(v).__name__ in ("User", "Certificate")]
        ids = sorted({v.id for v in people} - {built.trainer.id})
        made = World(
            app=app,
            emails={role: getattr(built, role).email for role in ROLES if role != "anonymous"},
            ids=ids + [max(ids) + 1],
            slugs=["open", "hidden", "certified", "authored", "theirs"],
        )
        for route in all_routes():
            url = urlsplit(route.url_for(built))
            data = {k: v for k, v in route.form(built).items() if isinstance(v, str | int)}
            example = Example(route.method, url.path, url.query, data, route.expected)
            made.examples.setdefault(route.endpoint, []).append(example)
    made.examples["static"] = [Example("GET", "/static/css/site.css", "", {}, {})]
    _discover(made)
    yield made
    empty_tables(app)


def _discover(world: World) -> None:
    """Read every page each role can open and note the forms on it, by the endpoint they target;
    POST examples of the access matrix count as forms too (some are only buttons on pages)."""
    for role in ROLES:
        world.sign_in(role)
        client = world.client(role)
        client.set_cookie(world.app.config["SESSION_COOKIE_NAME"], client.cookie or "")
        seen = set()
        for endpoint, examples in world.examples.items():
            for example in examples:
                url = example.path + (f"?{example.query}" if example.query else "")
                if example.method != "GET":
                    if role == example.submitter:
                        form = Form("POST", url, False, [(k, str(v)) for k, v in example.data.items()])
                        _add_form(world, role, endpoint, form, seen)
                    continue
                response = client.get(url)
                response.close()
                world.reach[(role, "GET", url)] = response.status_code
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                for form in forms_on(response.get_data(as_text=True), example.path):
                    target = world.endpoint_of(form.method, urlsplit(form.action).path)
                    if target is not None:
                        _add_form(world, role, target, form, seen)


def _add_form(world: World, role: str, endpoint: str, form: Form, seen: set) -> None:
    if form.key not in seen:
        seen.add(form.key)
        world.forms.setdefault((role, endpoint), []).append(form)


def _one_per_shape(names) -> list[str]:
    """The first of each list of numbered fields (options-0-text, options-1-text...): the same
    code reads them all."""
    seen, kept = set(), []
    for name in names:
        shape = re.sub(r"\d+", "#", name)
        if shape not in seen:
            seen.add(shape)
            kept.append(name)
    return kept


class Crawler:
    """Sends one role's hostile requests and notes every answer that is a 500 (or a crash)."""

    def __init__(self, world: World, role: str, endpoint: str) -> None:
        self.world = world
        self.role = role
        self.endpoint = endpoint
        self.client = world.client(role)
        self.token = self.client.token
        self.findings: list[Finding] = []
        self.sent = 0
        self.methods_tried: set[str] = set()

    def send(
        self, what: str, method: str, url: str, body: str | None = None, expect: int | None = None, **kw
    ):
        self.sent += 1
        if body is not None:
            kw.update(data=body.encode("ascii"), content_type="application/x-www-form-urlencoded")
        path, _, query = url.partition("?")
        # Raw bytes, as a server passes them on (PEP 3333): the test client would decode the path.
        kw["environ_overrides"] = {
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query,
        }
        if self.client.cookie:  # each request starts signed in, even after a sign-out
            self.client.set_cookie(self.world.app.config["SESSION_COOKIE_NAME"], self.client.cookie)
        try:
            response = self.client.open(path, method=method, **kw)
        except Exception as error:  # raised through the error handlers: the worst case
            self.findings.append(
                Finding(self.role, what, method, url, f"{type(error).__name__}: {error}"[:300])
            )
            return None
        response.close()
        if response.status_code >= 500 or (expect is not None and response.status_code != expect):
            self.findings.append(Finding(self.role, what, method, url, response.status_code))
        return response

    def form_fields(self, form: Form, submit: tuple[str, str] | None = None) -> list[tuple[str, str]]:
        fields = [(n, v) for n, v in form.fields if n != "csrf_token"]
        button = [submit] if submit else form.submits[:1]
        return ([("csrf_token", self.token)] if form.method == "POST" else []) + fields + button

    # What each kind of placement sends.

    def wrong_methods(self, example: Example) -> None:
        adapter = self.world.app.url_map.bind("localhost")
        allowed = set(adapter.allowed_methods(example.path))
        rule = self.world.rule_of(example)
        if rule in self.methods_tried:
            return
        self.methods_tried.add(rule)
        for method in [m for m in (*WRONG_METHODS, "GET", "POST") if m not in allowed]:
            self.send("wrong method", method, example.path, expect=405)

    def path_values(self, example: Example, pathological: bool) -> None:
        adapter = self.world.app.url_map.bind("localhost")
        try:
            rule, args = adapter.match(example.path, method=example.method, return_rule=True)
        except Exception:
            return
        body = self._body(example)
        for converter, name in ARGUMENT.findall(rule.rule):
            if converter == "int":
                values = {**PATH_INT, **{f"id {i}": str(i) for i in self.world.ids}}
            else:
                values = {f"slug {s}": s for s in self.world.slugs} | (PATH_TEXT if pathological else {})
            for label, value in (values | (UNSTORABLE if pathological else {})).items():
                path = ARGUMENT.sub(
                    lambda m, name=name, value=value: (
                        value if m.group(2) == name else q(str(args[m.group(2)]))
                    ),
                    rule.rule,
                )
                expect = 400 if label in UNSTORABLE else None
                self.send(f"path <{name}> = {label}", example.method, path, body, expect=expect)

    def query_values(self, example: Example) -> None:
        base = example.query
        for label, value in {**QUERY_VALUES, **UNSTORABLE}.items():
            query = "&".join(filter(None, [base, encode([(n, value) for n in GENERIC_PARAMETERS])]))
            expect = 400 if label in UNSTORABLE else None
            self.send(f"query = {label}", "GET", f"{example.path}?{query}", expect=expect)

    def form_values(self, form: Form) -> None:
        """Each field in turn, with each button of the form (preview and save are two paths)."""
        for submit in [*form.submits[1:], None]:
            fields = self.form_fields(form, submit)
            for name in _one_per_shape(name for name, _ in fields if name != "csrf_token"):
                for label, value in HOSTILE.items():
                    if (self.endpoint, name, label) not in KNOWN:
                        self.field_value(form, fields, name, label, value)
        fields = self.form_fields(form)
        names = [name for name, _ in fields if name != "csrf_token"]
        for label, value in UNSTORABLE.items():
            if form.multipart and label != "nul":
                continue  # Werkzeug decodes multipart text with replacement characters
            target = names[0] if names else "extra"
            self._submit(form, f"form {target} = {label}", with_value(fields, target, value), expect=400)
        if form.method == "POST":
            nested = "[" * 50_000 + "]" * 50_000
            self.send("json nested", "POST", form.action, data=nested, content_type="application/json")

    def field_value(self, form: Form, fields, name: str, label: str, value: str) -> None:
        self._submit(form, f"form {name} = {label}", with_value(fields, name, value))

    def _submit(
        self, form: Form, what: str, fields: list[tuple[str, str]], expect: int | None = None
    ) -> None:
        if form.method == "GET":
            path, _, query = form.action.partition("?")
            joined = "&".join(filter(None, [query, encode(fields)]))
            self.send(what, "GET", f"{path}?{joined}", expect=expect)
        elif form.multipart or form.files:
            data = {}
            for name, value in fields:
                data.setdefault(name, []).append(unquote(value, errors="replace"))
            for name in form.files:
                data[name] = (BytesIO(FILE_CONTENT), "hostile\u202e.csv")
            self.send(what, "POST", form.action, data=data, content_type="multipart/form-data", expect=expect)
        else:
            self.send(what, "POST", form.action, encode(fields), expect=expect)

    def _body(self, example: Example) -> str | None:
        if example.method != "POST":
            return None
        return encode([("csrf_token", self.token)] + [(k, q(str(v))) for k, v in example.data.items()])


@pytest.fixture
def tracebacks(caplog):
    caplog.set_level(logging.INFO)
    yield lambda: [
        f"{record.name}: {record.getMessage()[:200]}"
        for record in caplog.records
        if record.exc_info or record.levelno >= logging.ERROR
    ]


@pytest.mark.parametrize(
    ("endpoint", "name", "label"),
    [
        pytest.param(*case, marks=pytest.mark.xfail(strict=True, reason=reason))
        for case, reason in KNOWN.items()
    ]
    or [pytest.param("authoring.lesson", "body", "emphasis", id="none-known-the-former-case-passes")],
)
def test_known_500_owned_elsewhere(request, world, endpoint, name, label):
    form = next(
        form
        for (_, target), forms in world.forms.items()
        if target == endpoint
        for form in forms
        if name in form.names
    )
    crawler = Crawler(world, "admin", endpoint)
    with request.getfixturevalue("rolled_back")():
        crawler.field_value(form, crawler.form_fields(form), name, label, HOSTILE[label])
    assert not crawler.findings, crawler.findings


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_hostile_input_never_reaches_a_500(request, world, tracebacks, endpoint):
    """Per role: wrong methods, and other people's ids and slugs and unstorable text in the path.
    Once, by the first role that gets through (the code behind the access check is the same for
    all): pathological text in the path, hand-read query parameters, and each field of each form
    that targets this route, one field at a time from the values the page itself offers."""
    with request.getfixturevalue("rolled_back")():  # what the crawl changes is undone for the next route
        findings, sent = crawl(world, endpoint)
    assert sent > 0
    assert not findings, "\n".join(map(str, findings[:40])) + f"\n({len(findings)} of {sent} requests)"
    assert not tracebacks()


def crawl(world: World, endpoint: str) -> tuple[list[Finding], int]:
    crawlers = {role: Crawler(world, role, endpoint) for role in ROLES}
    for example in world.examples[endpoint]:
        url = example.path + (f"?{example.query}" if example.query else "")
        reached = [role for role in ROLES if world.reach.get((role, "GET", url)) == 200]
        for role, crawler in crawlers.items():
            crawler.wrong_methods(example)
            if role == "anonymous" and world.reach.get((role, "GET", url)) == 302:
                continue  # sent to the sign-in page before the view reads anything
            crawler.path_values(example, pathological=role == (reached or ROLES[-1:])[0])
        if reached:
            crawlers[reached[0]].query_values(example)
    crawled = set()
    for role, crawler in crawlers.items():
        for form in world.forms.get((role, endpoint), []):
            if form.key not in crawled:
                crawled.add(form.key)
                crawler.form_values(form)
    findings = [finding for crawler in crawlers.values() for finding in crawler.findings]
    return findings, sum(crawler.sent for crawler in crawlers.values())


def test_the_crawl_covers_every_route(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints <= set(ENDPOINTS), sorted(endpoints - set(ENDPOINTS))

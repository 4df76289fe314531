"""The XSS payload corpus (tests/content/xss_payloads.txt) and structural checks on sanitised HTML.

Shared by the sanitiser corpus test and the browser test that loads every sanitised payload.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from lms.content.markup import ALLOWED_TAGS

PAYLOADS_FILE = Path(__file__).with_name("xss_payloads.txt")
ESCAPES = {"{NL}": "\n", "{CR}": "\r", "{TAB}": "\t", "{NUL}": "\0", "{FF}": "\f"}
SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "srcset", "background", "data"}


def payloads() -> list[str]:
    found = []
    for line in PAYLOADS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#:"):
            continue
        for marker, character in ESCAPES.items():
            line = line.replace(marker, character)
        found.append(line)
    return found


def scheme_of(url: str) -> str | None:
    """The scheme a browser would see: entities are already decoded by the parser; browsers drop
    ASCII whitespace and control characters anywhere in a URL's scheme."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", cleaned)
    return match.group(1) if match else None


class Inspector(HTMLParser):
    """Collects every way the HTML breaks the allow-list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_comment(self, data):
        self.problems.append(f"comment <!--{data}-->")

    def handle_pi(self, data):
        self.problems.append(f"processing instruction {data!r}")

    def handle_decl(self, decl):
        self.problems.append(f"declaration {decl!r}")

    def _check(self, tag: str, attrs) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES:
                scheme = scheme_of(value)
                if scheme is not None and scheme not in SAFE_SCHEMES:
                    self.problems.append(f"{name}={value!r} on <{tag}> has scheme {scheme}")
            if tag == "img" and name == "src":
                cleaned = value.strip()
                if not (cleaned.startswith("/media/") or cleaned.startswith("https://")):
                    self.problems.append(f"image source {value!r} is neither /media/ nor https")
            if tag == "a" and name == "href" and not value.startswith("#"):
                rel = dict(attrs).get("rel") or ""
                if set(rel.split()) != {"noopener", "nofollow"}:
                    self.problems.append(f"link {value!r} without rel=noopener nofollow")


def problems_in(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    if re.search(r"<\s*(script|iframe|style|object|embed|form|svg|math|meta|base|link)\b", html, re.I):
        inspector.problems.append("a raw dangerous tag survived")
    return inspector.problems

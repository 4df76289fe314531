"""Sanitised lesson HTML re-written as well-formed XHTML, with its links and images re-pointed.

The sanitiser's output is HTML (`<br>`, unclosed void elements); an EPUB's content documents
must be XML. Re-serialising through the standard library's tokenizer closes every element,
escapes every text and attribute, and is the one place where `src` and `href` are rewritten
for a book (images packed with it, lessons linked inside it).
"""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from xml.sax.saxutils import escape, quoteattr

VOID = {"area", "br", "col", "hr", "img", "wbr"}


class _Writer(HTMLParser):
    def __init__(self, image: Callable[[str], str | None], link: Callable[[str], str]) -> None:
        super().__init__(convert_charrefs=True)
        self.image, self.link = image, link
        self.out: list[str] = []
        self.open: list[str] = []

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> dict | None:
        values = {
            name: value or "" for name, value in attrs if name.isascii() and name.replace("-", "").isalnum()
        }
        if tag == "img":
            source = self.image(values.get("src", ""))
            if source is None:
                return None
            values["src"] = source
            values.setdefault("alt", "")
        if tag == "a" and "href" in values:
            values["href"] = self.link(values["href"])
        if "id" in values:  # footnote ids (`fn:1`) are not XML names in every reader
            values["id"] = values["id"].replace(":", "-")
        if tag == "a" and values.get("href", "").startswith("#"):
            values["href"] = values["href"].replace(":", "-")
        return values

    def handle_starttag(self, tag, attrs):
        values = self._attributes(tag, attrs)
        if values is None:  # an image that cannot travel: its text alternative stays
            alt = dict(attrs).get("alt") or ""
            self.out.append(f"<span>{escape(alt)}</span>" if alt else "")
            return
        rendered = "".join(f" {name}={quoteattr(value)}" for name, value in values.items())
        if tag in VOID:
            self.out.append(f"<{tag}{rendered}/>")
        else:
            self.out.append(f"<{tag}{rendered}>")
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.open and self.open[-1] == tag:
            self.out.append(f"</{self.open.pop()}>")

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.open:
            return
        while self.open:
            name = self.open.pop()
            self.out.append(f"</{name}>")
            if name == tag:
                break

    def handle_data(self, data):
        self.out.append(escape(data))

    def result(self) -> str:
        while self.open:
            self.out.append(f"</{self.open.pop()}>")
        return "".join(self.out)


def to_xhtml(
    html: str,
    *,
    image: Callable[[str], str | None] = lambda src: src,
    link: Callable[[str], str] = lambda h: h,
) -> str:
    """`html` as an XHTML fragment. `image(src)` gives an image's new source, or None to keep
    only its alt text; `link(href)` gives a link's new target."""
    writer = _Writer(image, link)
    writer.feed(html.replace("\x00", ""))
    writer.close()
    return writer.result()

"""The one Markdown renderer and the one HTML sanitiser.

Every piece of authored text (imported lessons, lessons written in the browser, previews) is
rendered here and then sanitised with an allow-list, so no script, event handler, style, frame,
form, or `javascript:`/`data:` link can reach a learner's browser. Sanitising is idempotent:
sanitising its own output changes nothing. Rendering stays within the budget of
lms/content/budget.py: a text that would cost more is refused (MarkupTooComplex) before the work.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import partial
from html import unescape

import bleach
import markdown
from bleach.linkifier import LinkifyFilter

from lms.content.budget import MarkupLimit, MarkupTooComplex, check_html, prescan

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
        "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
        "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub",
        "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "id", "class", "rel"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height"],
    "th": ["scope", "colspan", "rowspan", "align", "class"],
    "td": ["colspan", "rowspan", "align", "class"],
    "h2": ["id"], "h3": ["id"], "h4": ["id"], "h5": ["id"], "h6": ["id"],
    "li": ["id"],
    "sup": ["id"],
    "div": ["class"],
    "ol": ["start"],
    "code": ["class"],
}  # fmt: skip

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
SAFE_CLASSES = re.compile(r"^(footnote|footnote-ref|footnote-backref|language-[a-z0-9+-]{1,30})$")
# Table cells may carry only an alignment class (see `_alignment_classes`).
CELL_CLASSES = re.compile(r"^align-(left|center|right)$")


def _slugify(value: str, separator: str) -> str:
    """Heading anchors prefixed so they never collide with the page's own ids (e.g. `main`)."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return "h-" + (re.sub(rf"[{separator}\s]+", separator, value) or "section")


def _keep_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    if name == "class":
        pattern = CELL_CLASSES if tag in {"th", "td"} else SAFE_CLASSES
        return all(pattern.match(part) for part in value.split())
    if name == "id":
        return re.fullmatch(r"(h-|fn:|fnref:)[\w:.-]{1,80}", value) is not None
    if name in {"width", "height", "colspan", "rowspan", "start"}:
        return value.isdigit() and len(value) <= 4
    if name == "href":
        return scheme_of(value) in {None, *ALLOWED_PROTOCOLS}
    if name == "src":
        return _safe_image_source(value)
    return True


_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_URL_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")


def browser_url(value: str) -> str:
    """The URL a browser follows for this attribute text: character references decoded, C0
    controls and spaces stripped from both ends, tabs and newlines removed everywhere (the URL
    Standard's preprocessing). Checks on anything less are fooled by `java&#x09;script:`."""
    return re.sub(r"[\t\n\r]", "", unescape(value)).strip(_C0_AND_SPACE)


def scheme_of(value: str) -> str | None:
    """The scheme (lower case) of the attribute text, or None for a relative URL. Stricter than
    the URL Standard: spaces and control characters anywhere are ignored, as some browsers did
    (`java script:` counts as javascript). bleach takes `javascript:123` for a host and a port,
    so the check is ours."""
    match = _URL_SCHEME.match(re.sub(r"[\x00-\x20\x7f]", "", unescape(value)))
    return match.group(1).lower() if match else None


def _safe_image_source(value: str) -> bool:
    """Images come from this site (`/media/...`) or over https; never data: or javascript:."""
    url = browser_url(value)
    return url.startswith("/media/") or (url.startswith("https://") and scheme_of(value) == "https")


def _add_link_rel(attrs: dict, new: bool = False) -> dict:
    href = attrs.get((None, "href"), "")
    if href.startswith("#"):
        attrs.pop((None, "rel"), None)
        return attrs
    attrs[(None, "rel")] = "noopener nofollow"
    return attrs


# Links get their rel (and bare URLs become links) in the same pass as cleaning. A separate
# bleach Linker pass with skip_tags escaped entities inside <pre>/<code> a second time, so code
# samples showed "&lt;" and sanitising was not idempotent.
_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_keep_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_add_link_rel], skip_tags={"pre", "code"}, parse_email=False)],
)


# Always double quotes: with html5lib's "best" quote character, a value holding `"` was written
# in single quotes, which bleach's serializer does not recognise, so `&#x29;` in it became
# `&amp;#x29;` (a different value) and one more `&amp;` on every pass.
_cleaner.serializer.use_best_quote_char = False


def sanitise_html(text: str) -> str:
    """Reduce any HTML to the allow-list above. Idempotent."""
    return _cleaner.clean(text)


def render_markdown(text: str, rewrite_image: Callable[[str], str | None] | None = None) -> str:
    """Markdown (tables, fenced code, footnotes, heading anchors) to sanitised HTML.

    `rewrite_image` maps an image path written in the lesson to the URL it is served from
    (or None to drop the image); the importer and the authoring editor pass their own.
    Raises MarkupTooComplex when the text goes over a limit of lms.content.budget, before the
    work it would cost is done.
    """
    html = _convert(text)
    if rewrite_image is not None:
        html = _rewrite_images(html, rewrite_image)
    return sanitise_html(html)


def check_markdown(text: str) -> MarkupLimit | None:
    """The limit `text` goes over (None if none), as `render_markdown` would find it; what
    validation calls, so that an accepted lesson always renders."""
    try:
        _convert(text)
    except MarkupTooComplex as error:
        return error.limit
    return None


def _convert(text: str) -> str:
    """Markdown to unsanitised HTML within the budget (lms/content/budget.py): a linear scan
    refuses the shapes known to be slow, recursion is a nesting problem, and the HTML's size is
    checked before the sanitiser (the costliest step) sees it."""
    limit = prescan(text)
    if limit is not None:
        raise MarkupTooComplex(limit)
    renderer = markdown.Markdown(
        extensions=["tables", "fenced_code", "footnotes", "toc", "sane_lists"],
        extension_configs={"toc": {"slugify": _slugify, "permalink": False}},
        output_format="html",
    )
    try:
        html = renderer.convert(text)
    except RecursionError:
        raise MarkupTooComplex(MarkupLimit("deep", None)) from None
    limit = check_html(html)
    if limit is not None:
        raise MarkupTooComplex(limit)
    return _alignment_classes(html)


# Exactly what the tables extension writes for `:---`, `:---:` and `---:`; any other style
# (hand-written, or with more in it) is not matched here and the sanitiser drops it with every
# other style attribute.
_CELL_ALIGNMENT = re.compile(r'<(th|td) style="text-align: (left|center|right);">')


def _alignment_classes(html: str) -> str:
    """Column alignment as a class (styled in site.css), since no style attribute is kept."""
    return _CELL_ALIGNMENT.sub(r'<\1 class="align-\2">', html)


_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")')


def _rewrite_images(html: str, rewrite: Callable[[str], str | None]) -> str:
    def replace(match: re.Match) -> str:
        target = rewrite(match.group(2))
        return f"{match.group(1)}{target or ''}{match.group(3)}"

    return _IMG_SRC.sub(replace, html)


def image_references(text: str) -> list[tuple[int, str]]:
    """(line number, path) of every Markdown image in `text`, for validation."""
    pattern = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
    return [
        (number, match.group(1))
        for number, line in enumerate(text.splitlines(), start=1)
        for match in pattern.finditer(line)
    ]

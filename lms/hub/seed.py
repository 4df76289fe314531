"""Read and check the hub's seed folder (lms/hub/seed, format in its README).

`load_seed` returns the items it read and the problems it found, each with the file and line
it is about, so `flask hub import-seed` imports everything or nothing. Messages are for the
operator at the command line, in English, like the course importer's.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lms.countries import is_country
from lms.hub.vocabulary import AUDIENCES, LICENCES, PUBLICATION_TYPES, REGIONS, SLUG, THEMES, is_doi

PRACTICE_PARTS = ("introduction", "problem", "what_was_done", "results", "cost", "reuse", "contact")
PRACTICE_HEADINGS = {
    "en": ("The problem", "What was done", "Results", "Cost", "What others can reuse", "Contact"),
    "fr": (
        "Le problème",
        "Ce qui a été fait",
        "Résultats",
        "Coût",
        "Ce que d'autres peuvent réutiliser",
        "Contact",
    ),
    "ar": (
        "المشكلة",
        "ما الذي تم إنجازه",
        "النتائج",
        "التكلفة",
        "ما يمكن للآخرين إعادة استخدامه",
        "جهة الاتصال",
    ),
}
REFERENCES = {"en": "References", "fr": "Références"}
COMMON_KEYS = (
    "kind", "slug", "title", "summary", "language", "year", "published", "licence", "illustrative",
    "countries", "regions", "themes", "audiences", "keywords", "related_courses", "authors",
)  # fmt: skip
FORBIDDEN_MARKUP = (
    (re.compile(r"<[a-zA-Z/!]"), "HTML is not allowed"),
    (re.compile(r"!\["), "images are not allowed"),
    (re.compile(r"\[[^\]]+\]\([^)]*\)"), "Markdown links are not allowed (write the bare https:// address)"),
    (re.compile(r"^(```|~~~)"), "code blocks are not allowed"),
    (re.compile(r"\[\^"), "footnotes are not allowed"),
)


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class SeedItem:
    folder: Path
    meta: dict
    text: str
    parts: dict = field(default_factory=dict)
    source_hash: str = ""

    @property
    def slug(self) -> str:
        return self.meta["slug"]


def _line_of(source: str, key: str) -> int:
    match = re.search(rf"^\s*{re.escape(key)}\s*=", source, re.MULTILINE)
    return source[: match.start()].count("\n") + 1 if match else 1


def load_seed(root: Path, course_slugs: set[str]) -> tuple[list[SeedItem], list[Problem]]:
    items: list[SeedItem] = []
    problems: list[Problem] = []
    if not root.is_dir():
        return [], [Problem(root, 0, "is not a folder")]
    for kind_folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if kind_folder.name not in ("practice", "publication"):
            problems.append(
                Problem(kind_folder, 0, "unexpected folder: the seed has practice/ and publication/")
            )
            continue
        for folder in sorted(p for p in kind_folder.iterdir() if p.is_dir()):
            item = _load_item(folder, kind_folder.name, course_slugs, problems)
            if item is not None:
                items.append(item)
    slugs = {item.slug: item for item in items}
    if len(slugs) != len(items):
        problems.append(Problem(root, 0, "two items have the same slug"))
    for item in items:
        original = item.meta.get("translation_of")
        if original is None:
            continue
        toml = item.folder / "item.toml"
        other = slugs.get(original)
        line = _line_of(toml.read_text(encoding="utf-8"), "translation_of")
        if other is None or other.meta["kind"] != item.meta["kind"] or other is item:
            problems.append(
                Problem(toml, line, f"translation_of names no other {item.meta['kind']}: {original!r}")
            )
        elif other.meta["language"] == item.meta["language"]:
            problems.append(Problem(toml, line, "translation_of names an item in the same language"))
    return items, problems


def _read(path: Path, problems: list[Problem]) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        problems.append(Problem(path, 0, "missing file"))
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(Problem(path, 1, "starts with a byte-order mark"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(Problem(path, data[: error.start].count(b"\n") + 1, "is not UTF-8"))
        return None
    for number, line in enumerate(text.split("\n"), start=1):
        if "\r" in line or "\t" in line or "\x00" in line:
            problems.append(Problem(path, number, "CR, tab or NUL character (LF line endings, no tabs)"))
            break
    return text.lstrip("\ufeff")


def _load_item(folder: Path, kind: str, course_slugs: set[str], problems: list[Problem]) -> SeedItem | None:
    toml_path, text_path = folder / "item.toml", folder / "text.md"
    source, text = _read(toml_path, problems), _read(text_path, problems)
    if source is None or text is None:
        return None
    try:
        meta = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        problems.append(Problem(toml_path, int(found.group(1)) if found else 1, f"not valid TOML: {error}"))
        return None
    before = len(problems)

    def bad(key: str, message: str) -> None:
        problems.append(Problem(toml_path, _line_of(source, key), message))

    required = list(COMMON_KEYS) + (
        ["institution", "contact"] if kind == "practice" else ["publication_type"]
    )
    for key in required:
        if key not in meta:
            bad(key, f"missing key {key!r}")
    if len(problems) > before:
        return None
    _check_values(meta, kind, folder, course_slugs, bad)
    parts = _check_text(meta, kind, text, text_path, problems)
    if len(problems) > before:
        return None
    digest = hashlib.sha256(source.encode() + b"\0" + text.encode()).hexdigest()
    return SeedItem(folder, meta, text, parts, digest)


def _check_values(meta: dict, kind: str, folder: Path, course_slugs: set[str], bad) -> None:
    def strings(key: str) -> list:
        value = meta[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad(key, f"{key} must be a list of strings")
            return []
        return value

    if meta["kind"] != kind:
        bad("kind", f"kind is {meta['kind']!r} but the item is in {kind}/")
    if not isinstance(meta["slug"], str) or not SLUG.fullmatch(meta["slug"]) or len(meta["slug"]) > 120:
        bad("slug", "slug must be lowercase ASCII letters, digits and single dashes")
    elif meta["slug"] != folder.name:
        bad("slug", f"slug {meta['slug']!r} differs from the folder name {folder.name!r}")
    for key, limit in (("title", 300), ("summary", 2000)):
        if not isinstance(meta[key], str) or not meta[key].strip() or len(meta[key]) > limit:
            bad(key, f"{key} must be a text of 1 to {limit} characters")
    if not isinstance(meta["language"], str) or not re.fullmatch(r"[a-z]{2}", meta["language"]):
        bad("language", "language must be an ISO 639-1 code such as 'en'")
    if not isinstance(meta["year"], int) or not 1900 <= meta["year"] <= 2100:
        bad("year", "year must be a year such as 2024")
    if not isinstance(meta["published"], date):
        try:
            meta["published"] = date.fromisoformat(str(meta["published"]))
        except ValueError:
            bad("published", "published must be a date (YYYY-MM-DD)")
    if meta["licence"] not in LICENCES:
        bad("licence", f"licence must be one of {', '.join(LICENCES)}")
    if not isinstance(meta["illustrative"], bool):
        bad("illustrative", "illustrative must be true or false")
    for code in strings("countries"):
        if not is_country(code):
            bad("countries", f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    for key, vocabulary in (("regions", REGIONS), ("themes", THEMES), ("audiences", AUDIENCES)):
        for value in strings(key):
            if value not in vocabulary:
                bad(key, f"{value!r} is not one of the {key}: {', '.join(vocabulary)}")
    if not meta["themes"]:
        bad("themes", "at least one theme")
    strings("keywords")
    for course in strings("related_courses"):
        if course not in course_slugs:
            bad("related_courses", f"no course {course!r} in the courses folder")
    if "doi" in meta and not (isinstance(meta["doi"], str) and is_doi(meta["doi"])):
        bad("doi", "doi must look like 10.1234/suffix (without https://doi.org/)")
    authors = meta["authors"]
    if not isinstance(authors, list) or not authors:
        bad("authors", "at least one [[authors]]")
    else:
        for author in authors:
            if (
                not isinstance(author, dict)
                or author.get("type") not in ("person", "organisation")
                or not author.get("name")
            ):
                bad("authors", "each author has a type (person or organisation) and a name")
            elif author["type"] == "person" and not author.get("family"):
                bad("authors", f"person {author['name']!r} needs a family name")
    if kind == "practice":
        contact = meta["contact"]
        if not isinstance(contact, dict) or not contact.get("role") or not contact.get("email"):
            bad("contact", "[contact] needs a role and an email")
        if meta.get("illustrative") and "fictional" not in str(meta["institution"]):
            bad("institution", "an illustrative practice's institution says it is fictional")
    elif meta["publication_type"] not in PUBLICATION_TYPES:
        bad("publication_type", f"publication_type must be one of {', '.join(PUBLICATION_TYPES)}")


def _check_text(meta: dict, kind: str, text: str, path: Path, problems: list[Problem]) -> dict:
    lines = text.split("\n")
    heading_lines = []
    for number, line in enumerate(lines, start=1):
        if line.startswith("# "):
            problems.append(Problem(path, number, "no level-1 heading: the title comes from item.toml"))
        if line.startswith("## "):
            heading_lines.append((number, line[3:].strip()))
        for pattern, message in FORBIDDEN_MARKUP:
            if pattern.search(line):
                problems.append(Problem(path, number, message))
    first = next((line for line in lines if line.strip()), "")
    notice = "**Illustrative case.**" if kind == "practice" else "**Illustrative data.**"
    if meta.get("illustrative") and not first.startswith(notice):
        problems.append(Problem(path, 1, f"an illustrative item begins with a paragraph opening {notice}"))
    language = meta.get("language", "en")
    if kind == "publication":
        expected = REFERENCES.get(language)
        if expected and (not heading_lines or heading_lines[-1][1] != expected):
            problems.append(Problem(path, heading_lines[-1][0] if heading_lines else 1, f"the last level-2 heading is '## {expected}'"))  # fmt: skip
        return {}
    expected_headings = PRACTICE_HEADINGS.get(language)
    if expected_headings is None:
        problems.append(Problem(path, 1, f"no practice headings known for language {language!r}"))
        return {}
    found = [heading for _, heading in heading_lines]
    if found != list(expected_headings):
        for position, (number, heading) in enumerate(heading_lines):
            if position >= len(expected_headings) or heading != expected_headings[position]:
                wanted = (
                    expected_headings[position] if position < len(expected_headings) else "no more headings"
                )
                problems.append(Problem(path, number, f"heading '## {heading}': expected '## {wanted}' here"))
                break
        else:
            missing = expected_headings[len(heading_lines)]
            problems.append(Problem(path, len(lines), f"missing heading '## {missing}'"))
        return {}
    email = meta.get("contact", {}).get("email", "") if isinstance(meta.get("contact"), dict) else ""
    parts, starts = {}, [0] + [number for number, _ in heading_lines] + [len(lines) + 1]
    for index, name in enumerate(PRACTICE_PARTS):
        begin = starts[index] if index == 0 else starts[index]
        chunk = lines[begin : starts[index + 1] - 1] if index else lines[: starts[1] - 1]
        parts[name] = "\n".join(chunk).strip()
    if email and email not in parts["contact"]:
        problems.append(
            Problem(path, heading_lines[-1][0], f"the contact address {email} appears in '## Contact'")
        )
    return parts

"""JSON-LD for credentials: the bundled contexts, an offline document loader, and RDF Dataset
Canonicalization (RDFC-1.0) through pyld.

The loader never touches the network: it answers from the context files shipped in
`contexts/` (their sources are listed in `contexts/README.md`) and refuses every other URL, so
a credential naming an unknown or look-alike context is refused, not fetched. Canonicalization
runs in "safe mode": a property or type that no context defines would be silently dropped by
JSON-LD, so that it could be added to a signed credential without breaking the signature;
here it is an error instead (as in the JavaScript verifiers' safe mode).

pyld implements URDNA2015, which RDFC-1.0 standardised unchanged except for how control
characters are escaped in literals; credentials strip control characters before signing
(`credential.clean_text`), so both give the same bytes.
"""

from __future__ import annotations

import json
import re
from functools import cache

from cachetools import LRUCache
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver

from lms.paths import PACKAGE_DIR

CONTEXTS_DIR = PACKAGE_DIR / "certificates" / "contexts"
CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DID_V1 = "https://www.w3.org/ns/did/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
BUNDLED = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    OPEN_BADGES_V3: "ob-v3p0-3.0.3.jsonld",
    DID_V1: "did-v1.jsonld",
    MULTIKEY_V1: "multikey-v1.jsonld",
}
MAX_DEPTH = 12
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class LinkedDataError(ValueError):
    """The document cannot be canonicalized: an unknown context, an undefined term, bad JSON-LD."""


@cache
def bundled_context(url: str) -> dict:
    return json.loads((CONTEXTS_DIR / BUNDLED[url]).read_text("utf-8"))


def load_document(url: str, options=None) -> dict:
    """pyld's document loader: bundled contexts only. Raises LinkedDataError for any other URL.
    The tag `static` lets pyld keep the processed context between documents."""
    if url not in BUNDLED:
        raise LinkedDataError(f"unknown JSON-LD context: {url[:200]}")
    return {"contextUrl": None, "documentUrl": url, "document": bundled_context(url), "tag": "static"}


class _ContextResolver(ContextResolver):
    """pyld's resolver, except that a scoped context (an object inside a bundled context) is
    found again by identity instead of by its JCS serialisation, which pyld recomputes for
    every node and which cost three quarters of the time of signing an Open Badge. Entries
    hold the object itself, so its id cannot be reused while cached; documents cannot bring
    objects of their own (`_check_shape` refuses embedded contexts)."""

    _by_identity: dict[int, tuple[dict, list]] = {}

    def resolve(self, active_ctx, context, base, cycles=None):
        if isinstance(context, dict) and "@context" not in context:
            known = self._by_identity.get(id(context))
            if known is not None and known[0] is context:
                return known[1]
            resolved = super().resolve(active_ctx, context, base, cycles)
            if len(self._by_identity) < 1000:
                self._by_identity[id(context)] = (context, resolved)
            return resolved
        return super().resolve(active_ctx, context, base, cycles)


_shared_cache = LRUCache(maxsize=100)


def _check_iris(node) -> None:
    """Refuse a relative IRI as a type or an id ("1EdTechJsonSchemaValidator2019" where no
    context defines it): JSON-LD drops it from the RDF, so it would not be signed."""
    if isinstance(node, list):
        for value in node:
            _check_iris(value)
    elif isinstance(node, dict):
        for name, value in node.items():
            if name in ("@type", "@id") and not isinstance(node.get("@value"), str | int | float | bool):
                for iri in value if isinstance(value, list) else [value]:
                    if not isinstance(iri, str) or not (iri.startswith("_:") or _ABSOLUTE.match(iri)):
                        raise LinkedDataError(f"a relative IRI: {str(iri)[:200]}")
            elif not name.startswith("@") or name in ("@graph", "@list", "@set", "@reverse", "@included"):
                _check_iris(value)


def _check_shape(node, depth: int = 0) -> None:
    """Refuse what no credential of ours has: deep nesting, and `@context` below the top."""
    if depth > MAX_DEPTH:
        raise LinkedDataError("nested too deeply")
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "@context" and depth > 0:
                raise LinkedDataError("an embedded @context")
            _check_shape(value, depth + 1)
    elif isinstance(node, list):
        for value in node:
            _check_shape(value, depth + 1)


def _refuse_dropped(term) -> None:
    raise LinkedDataError(f"a term no context defines: {str(term)[:200]}")


def canonical_nquads(document: dict) -> str:
    """The RDFC-1.0 canonical N-Quads of `document`. Raises LinkedDataError.

    JSON-LD expansion through the contexts is nine tenths of the cost and depends only on the
    document's shape (its keys, types and vocabulary values), not on its data strings: so the
    RDF of each shape is computed once, by pyld, with numbered slots in place of the strings,
    and a document of a known shape only has its strings put back into that RDF before the
    canonicalization proper (`_by_shape`). A document whose strings could change its RDF
    (an IRI slot given a non-absolute value, a slot inside a longer literal) takes the whole
    path, which gives the same bytes; tests/certificates/test_canonical_shapes.py compares both."""
    contexts = document.get("@context") if isinstance(document, dict) else None
    if not isinstance(contexts, list) or not all(isinstance(c, str) for c in contexts):
        raise LinkedDataError("@context must be a list of context URLs")
    for url in contexts:
        load_document(url)
    _check_shape(document)
    fast = _by_shape(document)
    return fast if fast is not None else _canonical(document)


def _options() -> dict:
    return {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": load_document,
        "contextResolver": _ContextResolver(_shared_cache, load_document),
        "base": None,  # relative IRIs stay relative, and are refused
    }


# Keys whose strings are part of a document's shape: types and vocabulary values, which JSON-LD
# expands through the contexts (and keywords but @id and @value). Every other string is data,
# which JSON-LD copies into the RDF as it is: a literal, or an IRI when absolute and of a scheme
# that no bundled context defines as a prefix (`_IRI_SCHEMES`, checked by a test).
_SHAPE_KEYS = frozenset(
    {
        "@context",
        "type",
        "@type",
        "achievementType",
        "statusPurpose",
        "proofPurpose",
        "cryptosuite",
        "identityType",
    }
)
_SLOT = "urn:x-lms-slot:"
_SLOT_NUMBER = re.compile(r"urn:x-lms-slot:(\d+)")
_IRI_SCHEMES = ("https://", "http://", "did:", "urn:uuid:")
_shapes: LRUCache = LRUCache(maxsize=64)


def _split(node, values: list, key: str | None = None):
    """`node` with each data string replaced by a numbered slot (collected in `values`); None
    when a shape string looks like a slot (it could not be told apart)."""
    if isinstance(node, dict):
        parts = {name: _split(value, values, name) for name, value in node.items()}
        return None if any(part is None for part in parts.values()) else parts
    if isinstance(node, list):
        parts = [_split(value, values, key) for value in node]
        return None if any(part is None for part in parts) else parts
    if isinstance(node, str):
        if key in _SHAPE_KEYS or ((key or "").startswith("@") and key not in ("@id", "@value")):
            return None if _SLOT in node else node
        values.append(node)
        return f"{_SLOT}{len(values) - 1}"
    return node


def _compile(template: dict):
    """The RDF of a shape as (quads, slots): each quad a tuple of components, a component
    (type, value, datatype, language) whose value is either a string or a slot number; None when
    the shape cannot be filled in reliably (a slot inside a longer string)."""
    processor = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped)
    options = _options()
    expanded = _run(lambda: processor.expand(template, options))
    _check_iris(expanded)
    rdf_options = {name: value for name, value in options.items() if name != "format"}
    dataset = _run(lambda: processor.to_rdf(expanded, {**rdf_options, "produceGeneralizedRdf": False}))
    quads = []
    for graph, triples in dataset.items():
        if graph != "@default":
            return None
        for triple in triples:
            quad = []
            for part in ("subject", "predicate", "object"):
                component = triple[part]
                value = component["value"]
                match = _SLOT_NUMBER.fullmatch(value)
                if match is None and _SLOT in value:
                    return None
                quad.append(
                    (
                        component["type"],
                        int(match.group(1)) if match else value,
                        component.get("datatype"),
                        component.get("language"),
                    )
                )
            quads.append(tuple(quad))
    return quads


def _by_shape(document: dict) -> str | None:
    values: list[str] = []
    template = _split(document, values)
    if template is None:
        return None
    key = json.dumps(template, ensure_ascii=False)
    if key not in _shapes:
        _shapes[key] = _compile(template)
    quads = _shapes[key]
    if quads is None:
        return None
    triples = []
    for quad in quads:
        triple = {}
        for part, (kind, value, datatype, language) in zip(
            ("subject", "predicate", "object"), quad, strict=True
        ):
            if isinstance(value, int):
                value = values[value]
                if kind == "IRI" and not value.startswith(_IRI_SCHEMES):
                    return None  # pyld would resolve or refuse it: let it
            component = {"type": kind, "value": value}
            if datatype is not None:
                component["datatype"] = datatype
            if language is not None:
                component["language"] = language
            triple[part] = component
        triples.append(triple)
    return _run(lambda: URDNA2015().main({"@default": triples}, {"format": "application/n-quads"}))


def _canonical(document: dict) -> str:
    processor = jsonld.JsonLdProcessor(on_property_dropped=_refuse_dropped)
    options = _options()

    def work():
        expanded = processor.expand(document, options)
        _check_iris(expanded)
        return processor.normalize(expanded, options)

    return _run(work)


def _run(work):
    """`work()`, with pyld's errors as LinkedDataError."""
    try:
        return work()
    except LinkedDataError:
        raise
    except jsonld.JsonLdError as error:
        cause = error
        while cause is not None:
            if isinstance(cause, LinkedDataError):
                raise cause from None
            cause = cause.__cause__ or getattr(cause, "cause", None)
        raise LinkedDataError(
            f"not valid JSON-LD: {error.type if hasattr(error, 'type') else error}"
        ) from None
    except (TypeError, ValueError, KeyError, AttributeError, RecursionError) as error:
        raise LinkedDataError(f"not valid JSON-LD ({type(error).__name__})") from None

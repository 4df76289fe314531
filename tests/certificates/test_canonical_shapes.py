"""The shape cache of lms.certificates.linkeddata gives exactly pyld's canonical N-Quads.

Signing computes the RDF of each document shape once (pyld, with numbered slots for the data
strings) and fills the strings in; these tests compare that with the whole pyld path on
credentials whose strings are hostile (quotes, backslashes, line breaks, any script, strings
that look like slots, IRIs, blank nodes or compact IRIs), and check that what the shortcut cannot
fill in reliably takes the whole path.
"""

from __future__ import annotations

import copy
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lms.quizzes.models  # noqa: F401  (every mapped class, for the in-memory Certificate)
from lms.certificates import credential, linkeddata
from lms.certificates.models import Certificate, CertificateStatus

TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from('"\\\n\t<>&:#/_'),
    min_size=0,
    max_size=40,
)
IRI = st.sampled_from(
    ["https://learn.example.org/c/", "http://a.example/", "did:web:learn.example.org", "urn:uuid:1234"]
).flatmap(lambda base: TEXT.map(lambda tail: base + "".join(c for c in tail if c.isalnum())))


def document(name: str, title: str, summary: str, code: str, course_iri: str, hours: float) -> dict:
    moment = datetime(2026, 11, 3, 10, 0)
    cert = Certificate(
        id=1, code=code, user_id=1, course_id=1, status=CertificateStatus.VALID, holder_name=name,
        course_title=title, course_version="1.0", hours=hours, language="en", completed_at=moment,
        issued_at=moment, issuer_name="Centre", signatory="", status_index=7,
        identity_salt="60d9079e09b99a421187d0b3c62b5c53", identity_hash="sha256$" + "0" * 64,
    )  # fmt: skip
    links = credential.CredentialLinks(
        credential_id=f"https://learn.example.org/verify/{code}",
        issuer_did="did:web:learn.example.org",
        site_url="https://learn.example.org/",
        achievement_id=course_iri,
        status_list_url="https://learn.example.org/credentials/status/0",
        status_index=7,
        image_url="https://learn.example.org/static/img/badge.png",
    )
    return credential.unsigned_credential(cert, links, summary)


def both(doc: dict) -> tuple[str | None, str]:
    return linkeddata._by_shape(copy.deepcopy(doc)), linkeddata._canonical(copy.deepcopy(doc))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=TEXT, title=TEXT, summary=TEXT, code=st.text("ABC0123", min_size=1, max_size=12), iri=IRI,
       hours=st.sampled_from([1.0, 6.0, 2.5, 40.0]))  # fmt: skip
def test_the_shortcut_gives_pyld_s_bytes_for_any_strings(name, title, summary, code, iri, hours):
    fast, slow = both(document(name, title, summary, code, iri, hours))
    assert fast == slow


def test_the_proof_options_give_pyld_s_bytes_too():
    options = {
        "@context": [linkeddata.CREDENTIALS_V2, linkeddata.OPEN_BADGES_V3],
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-11-03T10:00:00Z",
        "verificationMethod": "did:web:learn.example.org#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "proofPurpose": "assertionMethod",
    }
    fast, slow = both(options)
    assert fast == slow and fast is not None


@pytest.mark.parametrize("iri", ["relative/path", "_:b0", "xsd:string", "ob:Course", "mailto:a@b.org"])
def test_an_iri_the_shortcut_cannot_trust_takes_the_whole_path(iri):
    doc = document("A", "B", "C", "X1", "https://learn.example.org/c", 6.0)
    doc["credentialSubject"]["achievement"]["id"] = iri
    assert linkeddata._by_shape(copy.deepcopy(doc)) is None
    try:
        expected = linkeddata._canonical(copy.deepcopy(doc))
    except linkeddata.LinkedDataError as refused:
        with pytest.raises(linkeddata.LinkedDataError, match=str(refused)[:20]):
            linkeddata.canonical_nquads(doc)
    else:
        assert linkeddata.canonical_nquads(doc) == expected


def test_a_shape_string_that_looks_like_a_slot_takes_the_whole_path():
    doc = document("A", "B", "C", "X1", "https://learn.example.org/c", 6.0)
    doc["credentialSubject"]["achievement"]["achievementType"] = "urn:x-lms-slot:0"
    assert linkeddata._by_shape(doc) is None


def test_data_that_looks_like_a_slot_is_only_data():
    fast, slow = both(document("urn:x-lms-slot:3", "urn:x-lms-slot:0", "x urn:x-lms-slot:9", "X1",
                               "urn:uuid:urn-x-lms-slot-1", 6.0))  # fmt: skip
    assert fast == slow


def test_no_bundled_context_makes_a_prefix_of_the_schemes_the_shortcut_copies():
    """did:, urn:, http(s): are copied into the RDF as they are; a context defining one as a
    term would make JSON-LD expand them (a compact IRI), which the shortcut would not."""

    def terms(node):
        if isinstance(node, dict):
            for name, value in node.items():
                yield name
                yield from terms(value)
        elif isinstance(node, list):
            for value in node:
                yield from terms(value)

    for url in linkeddata.BUNDLED:
        assert not {"did", "urn", "http", "https"} & set(terms(linkeddata.bundled_context(url))), url


def test_the_shape_cache_is_bounded():
    for n in range(80):
        doc = document("A", "B", "C", "X1", "https://learn.example.org/c", float(n + 1))
        linkeddata.canonical_nquads(doc)
    assert len(linkeddata._shapes) <= 64

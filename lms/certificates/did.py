"""The issuer's decentralised identifier: a `did:web` derived from BASE_URL (W3C CCG did:web).

`https://learn.example.org` is `did:web:learn.example.org`, whose DID document a resolver
fetches from `https://learn.example.org/.well-known/did.json`; a site under a path,
`https://example.org/lms`, is `did:web:example.org:lms`, resolved at
`https://example.org/lms/did.json`. A port is written `%3A`. The document lists every key that
may have signed a credential (the current one and the retired ones) as a `Multikey`.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from lms.certificates.linkeddata import DID_V1, MULTIKEY_V1


def did_web(base_url: str) -> str:
    parts = urlsplit(base_url)
    host = parts.netloc.rpartition("@")[2].replace(":", "%3A")
    path = [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return ":".join(["did:web", host, *path])


def method_id(did: str, multikey: str) -> str:
    return f"{did}#{multikey}"


def document(did: str, multikeys: list[str]) -> dict:
    """The DID document: each key a verification method for assertions (credential proofs)."""
    methods = [
        {"id": method_id(did, key), "type": "Multikey", "controller": did, "publicKeyMultibase": key}
        for key in multikeys
    ]
    return {
        "@context": [DID_V1, MULTIKEY_V1],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }

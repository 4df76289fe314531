"""Certificates as signed, machine-verifiable credentials (after Open Badges 3.0 / VC 2.0).

Honest about what this is: the JSON is shaped like an Open Badges 3.0 `OpenBadgeCredential`,
but the proof is not a W3C Data Integrity cryptosuite. It is a plain Ed25519 signature over a
canonical serialisation of the credential without its `proof` member: JSON with sorted keys,
no white space, UTF-8 (`canonical_bytes`). Anyone holding the platform's public key (published
at /.well-known/lms-issuer.json as a JWK) can check it offline; the README shows how.

The private key is generated once into the instance folder with mode 0600 and never leaves it.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

from lms.certificates.models import Certificate
from lms.files import create_private_once

PROOF_TYPE = "Ed25519Signature-LmsCanonicalJson"
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def canonical_bytes(document: dict) -> bytes:
    """The exact bytes that are signed: sorted keys, no white space, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_path() -> Path:
    return Path(current_app.config["CERTIFICATE_KEY_PATH"])


def private_key() -> Ed25519PrivateKey:
    """The platform's signing key (made at start-up by `ensure_key`, or here if it went missing)."""
    path = key_path()
    if not path.exists():
        ensure_key(path)
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def ensure_key(path: Path) -> bool:
    """Create the Ed25519 signing key at `path` with mode 0600 unless it exists; True if made.
    Called when the application starts (so `make db`, `make run` and the first worker make it,
    and an early backup of instance/ holds it), atomically, so that workers starting together
    agree on one key."""
    if path.exists():
        return False
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return create_private_once(path, pem)


def public_jwk() -> dict:
    raw = private_key().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}


def issuer_document(issuer_url: str) -> dict:
    """What /.well-known/lms-issuer.json publishes: the issuer profile and its public key."""
    return {
        "@context": CONTEXTS,
        "id": issuer_url,
        "type": ["Profile"],
        "name": current_app.config["CERTIFICATE_ISSUER"],
        "verificationMethod": [
            {
                "id": issuer_url + "#key-1",
                "type": "JsonWebKey",
                "controller": issuer_url,
                "publicKeyJwk": public_jwk(),
            }
        ],
    }


def _iso(moment) -> str:
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def unsigned_credential(cert: Certificate, *, verify_url: str, status_url: str, issuer_url: str) -> dict:
    return {
        "@context": CONTEXTS,
        "id": verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_url, "type": ["Profile"], "name": cert.issuer_name},
        "validFrom": _iso(cert.issued_at),
        "name": cert.course_title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": cert.holder_name,
            "achievement": {
                "id": f"{issuer_url}#course-{cert.course_id}",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": cert.course_title,
                "description": f"{cert.course_title} (version {cert.course_version})",
                "criteria": {"narrative": "Completed every required lesson and quiz of the course."},
                "creditsAvailable": cert.hours,
                "inLanguage": cert.language,
            },
            "activityEndDate": _iso(cert.completed_at),
        },
        "credentialStatus": {"id": status_url, "type": "LmsVerificationStatus"},
    }


def sign(document: dict, issuer_url: str) -> dict:
    """Return `document` with a `proof` holding an Ed25519 signature of its canonical bytes."""
    signature = private_key().sign(canonical_bytes(document))
    return {
        **document,
        "proof": {
            "type": PROOF_TYPE,
            "created": document.get("validFrom"),
            "verificationMethod": issuer_url + "#key-1",
            "proofPurpose": "assertionMethod",
            "canonicalization": "JSON, keys sorted, separators ',' and ':', UTF-8, proof removed",
            "proofValue": b64url(signature),
        },
    }


def verify(credential: dict, jwk: dict) -> bool:
    """True if the proof is a valid signature of the rest of the credential under `jwk`."""
    document = dict(credential)
    proof = document.pop("proof", None)
    if not isinstance(proof, dict) or jwk.get("crv") != "Ed25519":
        return False
    key = Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
    try:
        key.verify(b64url_decode(proof.get("proofValue", "")), canonical_bytes(document))
    except (InvalidSignature, ValueError):
        return False
    return True

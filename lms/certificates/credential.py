"""Certificates as Open Badges 3.0 `OpenBadgeCredential`s (W3C Verifiable Credentials 2.0).

Pure functions: a Certificate and the addresses it names (`CredentialLinks`, built from
BASE_URL by `documents`) in, JSON out. The proof is a W3C Data Integrity `eddsa-rdfc-2022`
proof (`dataintegrity`), the status a W3C Bitstring Status List entry (`statuslist`), the
issuer a `did:web` (`did`).

Credentials of the first format (proof type `Ed25519Signature-LmsCanonicalJson`: an Ed25519
signature over sorted-key JSON) are still checked by `verify_legacy`, so a file saved before
the change keeps verifying on the site.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lms.certificates import dataintegrity, keys
from lms.certificates.linkeddata import CREDENTIALS_V2, OPEN_BADGES_V3
from lms.certificates.models import Certificate
from lms.courses.models import CompletionRule

CONTEXTS = [CREDENTIALS_V2, OPEN_BADGES_V3]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    # "JsonSchema" (VC JSON Schema, defined by the VC 2.0 context), not OB 3.0's older
    # "1EdTechJsonSchemaValidator2019", which no context defines: JSON-LD would drop it.
    "type": "JsonSchema",
}
LEGACY_PROOF_TYPE = "Ed25519Signature-LmsCanonicalJson"

CRITERIA = {
    CompletionRule.ALL_LESSONS: "Completed every lesson of the course.",
    CompletionRule.ALL_QUIZZES: "Passed every quiz of the course with at least {mark}% of the points.",
    CompletionRule.LESSONS_AND_QUIZZES: (
        "Completed every lesson of the course and passed every quiz with at least {mark}% of the points."
    ),
}


@dataclass(frozen=True)
class CredentialLinks:
    """The absolute addresses a credential names (all from BASE_URL)."""

    credential_id: str  # the verification page
    issuer_did: str
    site_url: str
    achievement_id: str  # the course page
    status_list_url: str
    status_index: int
    image_url: str


def clean_text(text: str) -> str:
    """Text as signed: control characters removed (RDFC-1.0 escapes them differently from the
    URDNA2015 that pyld implements, and no name or title needs them)."""
    return "".join(ch for ch in str(text) if unicodedata.category(ch) != "Cc")


def hours_number(hours: float) -> int | float:
    """6.0 hours as the JSON number 6: JavaScript reads `6.0` as an integer, Python as a float,
    and JSON-LD types them differently, so a whole number is always written as one."""
    return int(hours) if float(hours).is_integer() else float(hours)


def iso(moment: datetime) -> str:
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def new_identity_salt() -> str:
    return secrets.token_hex(16)


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 `IdentityObject.identityHash`: 'sha256$' + hex SHA-256 of the address and salt.
    Whoever knows the holder's address can check it; the credential does not reveal it."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def unsigned_credential(cert: Certificate, links: CredentialLinks, summary: str = "") -> dict:
    rule = cert.course.completion_rule if cert.course is not None else CompletionRule.LESSONS_AND_QUIZZES
    mark = cert.course.pass_mark if cert.course is not None else 70
    hours = hours_number(cert.hours)
    title = clean_text(cert.course_title)
    subject = {
        "type": ["AchievementSubject"],
        "name": clean_text(cert.holder_name),
        "achievement": {
            "id": links.achievement_id,
            "type": ["Achievement"],
            "achievementType": "Course",
            "name": title,
            "description": clean_text(summary) or title,
            "criteria": {"narrative": CRITERIA[rule].format(mark=mark)},
            "creditsAvailable": hours,
            "fieldOfStudy": "Information and communication technology in higher education",
            "inLanguage": cert.language,
            "version": clean_text(cert.course_version),
            "image": {"id": links.image_url, "type": "Image"},
        },
        "creditsEarned": hours,
        "activityEndDate": iso(cert.completed_at),
    }
    if cert.identity_hash and cert.identity_salt:
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": cert.identity_hash,
                "identityType": "emailAddress",
                "hashed": True,
                "salt": cert.identity_salt,
            }
        ]
    return {
        "@context": list(CONTEXTS),
        "id": links.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": links.issuer_did,
            "type": ["Profile"],
            "name": clean_text(cert.issuer_name),
            "url": links.site_url,
        },
        "validFrom": iso(cert.issued_at),
        "name": title,
        "credentialSubject": subject,
        "credentialSchema": [dict(SCHEMA)],
        "credentialStatus": {
            "id": f"{links.status_list_url}#{links.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(links.status_index),
            "statusListCredential": links.status_list_url,
        },
    }


def sign(document: dict, issuer_did: str) -> dict:
    """`document` with an eddsa-rdfc-2022 proof by the current key, created at its validFrom
    (so the same certificate always gives the same credential until the key rotates)."""
    key = keys.private_key()
    method = f"{issuer_did}#{keys.multikey(key.public_key())}"
    return dataintegrity.add_proof(document, key, method, document["validFrom"])


def trusted_key_resolver(issuer_did: str):
    """A resolver for `dataintegrity.verify_proof`: this platform's current and retired keys."""
    published = set(keys.published_multikeys())

    def resolve(method: str) -> Ed25519PublicKey | None:
        did, _, fragment = method.partition("#")
        if did != issuer_did or fragment not in published:
            return None
        return keys.from_multikey(fragment)

    return resolve


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_legacy(credential: dict) -> bool:
    """True if `credential` carries a valid first-format proof by one of this platform's keys."""
    document = dict(credential)
    proof = document.pop("proof", None)
    if not isinstance(proof, dict) or proof.get("type") != LEGACY_PROOF_TYPE:
        return False
    message = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    try:
        signature = _b64url_decode(str(proof.get("proofValue", "")))
    except ValueError:
        return False
    for published in keys.published_multikeys():
        try:
            keys.from_multikey(published).verify(signature, message)
        except (InvalidSignature, ValueError):
            continue
        return True
    return False

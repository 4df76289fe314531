"""Checking a credential someone uploads (a certificate PDF, a baked badge, the JSON or the JWT):
is it intact, is it ours, and what does the register say about its certificate now?

The result is data (`FileCheck.outcome`, a code); the page words it in the reader's language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import current_app

from lms.certificates import baking, codes, credential, dataintegrity, documents, queries, vcjwt
from lms.certificates.linkeddata import MAX_DEPTH
from lms.certificates.models import Certificate

# Outcomes, in the order a check can reach them.
TOO_LARGE = "too-large"
UNSUPPORTED_FILE = "unsupported-file"
MALFORMED = "malformed"
NO_CREDENTIAL = "no-credential"
NOT_OURS = "not-ours"  # another issuer, or a key this site never had
TAMPERED = "tampered"
UNKNOWN_CERTIFICATE = "unknown-certificate"  # intact, but the register no longer has it
VALID = "valid"  # intact and ours: the certificate's current status is in `certificate`


@dataclass(frozen=True)
class FileCheck:
    outcome: str
    kind: str = ""  # pdf, png, json, jwt
    format: str = ""  # open-badge, jwt, first-format
    certificate: Certificate | None = None


def _depth(node, depth: int = 0) -> int:
    if depth > MAX_DEPTH:
        return depth
    if isinstance(node, dict):
        return max([_depth(value, depth + 1) for value in node.values()], default=depth)
    if isinstance(node, list):
        return max([_depth(value, depth + 1) for value in node], default=depth)
    return depth


def _parse(text: str) -> dict:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        raise baking.FileProblem(MALFORMED) from None
    if not isinstance(document, dict) or _depth(document) > MAX_DEPTH:
        raise baking.FileProblem(MALFORMED)
    return document


def _certificate(document: dict) -> Certificate | None:
    """The certificate an intact credential of ours is about, found by its id (the
    verification address), or None."""
    prefix = documents.verification_url("CODE").removesuffix("CODE")
    identifier = document.get("id")
    if not isinstance(identifier, str) or not identifier.startswith(prefix):
        return None
    try:
        code = codes.normalise(identifier[len(prefix) :])
    except codes.MalformedCode:
        return None
    return queries.by_code(code)


def check_file(upload: bytes) -> FileCheck:
    if len(upload) > current_app.config["CERTIFICATE_FILE_MAX_BYTES"]:
        return FileCheck(TOO_LARGE)
    try:
        kind, text = baking.credential_text(upload)
    except baking.FileProblem as problem:
        return FileCheck(problem.code)
    resolver = documents.key_resolver()
    try:
        if kind == "jwt" or (kind in ("pdf", "png") and text.startswith("ey")):
            form = "jwt"
            try:
                document = vcjwt.verify(text, resolver)
            except vcjwt.TokenError as error:
                return FileCheck(_outcome(error.code), kind, form)
        else:
            document = _parse(text)
            proof = document.get("proof")
            if isinstance(proof, dict) and proof.get("type") == credential.LEGACY_PROOF_TYPE:
                form = "first-format"
                if not credential.verify_legacy(document):
                    return FileCheck(TAMPERED, kind, form)
            else:
                form = "open-badge"
                try:
                    dataintegrity.verify_proof(document, resolver)
                except dataintegrity.ProofError as error:
                    return FileCheck(_outcome(error.code), kind, form)
    except baking.FileProblem as problem:
        return FileCheck(problem.code, kind)
    cert = _certificate(document)
    if cert is None:
        return FileCheck(UNKNOWN_CERTIFICATE, kind, form)
    return FileCheck(VALID, kind, form, cert)


_OUTCOMES = {
    "unknown-key": NOT_OURS,
    "no-proof": NO_CREDENTIAL,
    "not-a-token": MALFORMED,
    "unsupported-proof": NOT_OURS,
}


def _outcome(code: str) -> str:
    """A proof's or token's error code as an outcome: bad-signature and not-canonical (an
    unknown context or undefined term) mean it was changed."""
    return _OUTCOMES.get(code, TAMPERED)

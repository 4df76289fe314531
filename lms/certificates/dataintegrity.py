"""W3C Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C VC Data Integrity EdDSA
Cryptosuites v1.0, section 3.3).

What is signed is SHA-256(canonical proof options) || SHA-256(canonical document), both
canonicalized with RDFC-1.0 under the document's own contexts; so the proof's `created`,
`verificationMethod` and `proofPurpose` are signed too, and any change to a fact of the
document changes its RDF, whatever its JSON spelling (key order, white space, `6.0` or `6`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lms.certificates import keys
from lms.certificates.linkeddata import LinkedDataError, canonical_nquads

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


class ProofError(ValueError):
    """Why a proof does not verify; `code` is stable, for pages and tests."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def _hash_data(unsecured: dict, options: dict) -> bytes:
    config = {**options, "@context": unsecured["@context"]}
    config.pop("proofValue", None)
    proof_hash = hashlib.sha256(canonical_nquads(config).encode("utf-8")).digest()
    document_hash = hashlib.sha256(canonical_nquads(unsecured).encode("utf-8")).digest()
    return proof_hash + document_hash


def add_proof(
    document: dict, key: Ed25519PrivateKey, verification_method: str, created: str, purpose="assertionMethod"
) -> dict:
    """`document` with an eddsa-rdfc-2022 proof. Raises LinkedDataError for a document that
    does not canonicalize (an unknown context or an undefined term)."""
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": purpose,
    }
    signature = key.sign(_hash_data(unsecured, options))
    # A set of one proof: Data Integrity allows an object or a set, 1EdTech's Open Badges 3.0
    # JSON Schema accepts only the set (tests/certificates/test_schema.py).
    return {**unsecured, "proof": [{**options, "proofValue": "z" + keys.base58btc(signature)}]}


def verify_proof(
    document: dict, resolve: Callable[[str], Ed25519PublicKey | None], purpose="assertionMethod"
) -> str:
    """Check the document's single eddsa-rdfc-2022 proof (a set of one, or a bare object as
    credentials issued before 2 December 2026 have it); returns its verification method.

    `resolve` maps a verification method id to the key it names, or None for a key this
    verifier does not trust. Raises ProofError with a code: `no-proof`, `unsupported-proof`,
    `unknown-key`, `not-canonical` (unknown context, undefined term), `bad-signature`.
    """
    proof = document.get("proof") if isinstance(document, dict) else None
    if isinstance(proof, list):  # today's form, a set of one; a bare object is older
        if len(proof) != 1:
            raise ProofError("unsupported-proof", f"a set of {len(proof)} proofs")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("no-proof")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError("unsupported-proof", str(proof.get("type"))[:80])
    if proof.get("proofPurpose") != purpose or not isinstance(proof.get("created"), str):
        raise ProofError("unsupported-proof", "purpose or created")
    method = proof.get("verificationMethod")
    key = resolve(method) if isinstance(method, str) else None
    if key is None:
        raise ProofError("unknown-key", str(method)[:200])
    value = proof.get("proofValue")
    try:
        if not isinstance(value, str) or not value.startswith("z"):
            raise ValueError("proofValue is not base58btc")
        signature = keys.base58btc_decode(value[1:])
        unsecured = {name: item for name, item in document.items() if name != "proof"}
        key.verify(signature, _hash_data(unsecured, proof))
    except LinkedDataError as error:
        raise ProofError("not-canonical", str(error)) from None
    except (InvalidSignature, ValueError):
        raise ProofError("bad-signature") from None
    return method

"""The same credential secured with JOSE (W3C VC-JOSE-COSE: `application/vc+jwt`).

A compact JWS whose payload is the unsecured credential itself (no `proof`), signed with
EdDSA (Ed25519) by the same key as the Data Integrity proof; the header's `kid` is that key's
verification method in the DID document, so verifiers that take JWTs need no other key.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MEDIA_TYPE = "application/vc+jwt"
MAX_TOKEN = 256_000


class TokenError(ValueError):
    """Not a JWT this platform signed, or not intact; `code` as in dataintegrity.ProofError."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(credential: dict, key: Ed25519PrivateKey, kid: str) -> str:
    unsecured = {name: value for name, value in credential.items() if name != "proof"}
    header = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": kid}
    signing_input = ".".join(
        b64url(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
        for part in (header, unsecured)
    )
    return signing_input + "." + b64url(key.sign(signing_input.encode("ascii")))


def verify(token: str, resolve: Callable[[str], Ed25519PublicKey | None]) -> dict:
    """The credential a token carries, if its EdDSA signature verifies under the key its `kid`
    names (`resolve` as for Data Integrity proofs). Raises TokenError."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN or token.count(".") != 2:
        raise TokenError("not-a-token")
    head, body, signature = token.split(".")
    try:
        header = json.loads(_unb64(head))
        payload = json.loads(_unb64(body))
        signature_bytes = _unb64(signature)
    except (ValueError, UnicodeDecodeError):
        raise TokenError("not-a-token") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise TokenError("not-a-token")
    if header.get("alg") != "EdDSA" or header.get("typ") != "vc+jwt":
        raise TokenError("unsupported-proof")
    kid = header.get("kid")
    key = resolve(kid) if isinstance(kid, str) else None
    if key is None:
        raise TokenError("unknown-key")
    try:
        key.verify(signature_bytes, f"{head}.{body}".encode("ascii"))
    except (InvalidSignature, UnicodeEncodeError):
        raise TokenError("bad-signature") from None
    return payload

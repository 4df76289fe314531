"""The platform's Ed25519 signing key, its retired predecessors, and their Multikey encoding.

The private key is generated once into the instance folder with mode 0600 and never leaves it.
Keys rotate (`certificates rotate-key`): the old public key is appended to a list of retired keys
beside the private key, and stays in the DID document, so credentials signed with it keep
verifying; each key's verification method is named after the key itself (its Multikey), so a
new key can never be mistaken for an old one.

Multikey (W3C Controlled Identifiers): `z` (base58btc) + base58(0xED 0x01 + 32 key bytes).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app

from lms.files import create_private_once, write_private

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {symbol: value for value, symbol in enumerate(_ALPHABET)}
_ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub, as a varint


def base58btc(data: bytes) -> str:
    """Bitcoin's base58, leading zero bytes kept as '1' (what multibase 'z' means)."""
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    """Raises ValueError for a symbol outside the alphabet."""
    number = 0
    for symbol in text:
        if symbol not in _INDEX:
            raise ValueError("not base58btc")
        number = number * 58 + _INDEX[symbol]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def multikey(key: Ed25519PublicKey) -> str:
    return "z" + base58btc(_ED25519_PUB + raw_public(key))


def from_multikey(text: str) -> Ed25519PublicKey:
    """The Ed25519 public key a Multikey names; ValueError for anything else."""
    if not isinstance(text, str) or not text.startswith("z") or len(text) > 64:
        raise ValueError("not a base58btc Multikey")
    data = base58btc_decode(text[1:])
    if len(data) != 34 or not data.startswith(_ED25519_PUB):
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def key_path() -> Path:
    return Path(current_app.config["CERTIFICATE_KEY_PATH"])


def retired_path() -> Path:
    """The retired public keys, one Multikey a line of a JSON list (no secret in it)."""
    path = key_path()
    return path.with_name(path.stem + "-retired.json")


def _new_pem() -> bytes:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def ensure_key(path: Path) -> bool:
    """Create the Ed25519 signing key at `path` with mode 0600 unless it exists; True if made.
    Called when the application starts (so `make db`, `make run` and the first worker make it,
    and an early backup of instance/ holds it), atomically, so that workers starting together
    agree on one key."""
    if path.exists():
        return False
    return create_private_once(path, _new_pem())


@lru_cache(maxsize=4)
def _load(path: str, _mtime_ns: int) -> Ed25519PrivateKey:
    return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)


def private_key() -> Ed25519PrivateKey:
    """The current signing key (made by `ensure_key` at start-up, or here if it went missing).
    Parsed once per file version: a rotation by another process is seen at the next call."""
    path = key_path()
    if not path.exists():
        ensure_key(path)
    return _load(str(path), path.stat().st_mtime_ns)


def current_multikey() -> str:
    return multikey(private_key().public_key())


def retired_multikeys() -> list[str]:
    path = retired_path()
    if not path.exists():
        return []
    return [key for key in json.loads(path.read_text("utf-8")) if isinstance(key, str)]


def published_multikeys() -> list[str]:
    """Every key a credential of this platform may be signed with: the current one first."""
    current = current_multikey()
    return [current] + [key for key in retired_multikeys() if key != current]


def rotate() -> str:
    """Retire the current key (kept public, for old credentials) and make a new one; returns the
    new Multikey. The retired list is written before the new key replaces the old, so a crash in
    between leaves the old key current and also listed, which verifies the same."""
    old = current_multikey()
    retired = retired_multikeys()
    if old not in retired:
        write_private(retired_path(), (json.dumps(retired + [old], indent=1) + "\n").encode())
    write_private(key_path(), _new_pem())
    return current_multikey()

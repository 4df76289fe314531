"""W3C Bitstring Status List v1.0: one bit per credential, set when it is revoked.

The list is a bitstring of at least 131,072 bits (16 KiB, the specification's minimum, so
that one list hides which of many credentials a verifier asks about), GZIP-compressed and
written in multibase base64url (`u` prefix, no padding). Bit 0 is the most significant bit of
the first byte. A list of mostly zero bits compresses to a few hundred bytes.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import io
import zlib

LIST_SIZE = 131_072
MAX_LISTS = 1024  # 134 million certificates; a larger list number is not ours
MAX_ENCODED = 1_000_000  # a list we did not make is not expanded beyond reason


def encode(set_bits: set[int], size: int = LIST_SIZE) -> str:
    """The `encodedList` with the bits at `set_bits` (indexes within this list) set."""
    bits = bytearray(size // 8)
    for index in set_bits:
        if not 0 <= index < size:
            raise ValueError(f"index {index} outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(encoded: str) -> bytes:
    """The bitstring; ValueError for anything that is not a multibase base64url GZIP list."""
    if not isinstance(encoded, str) or not encoded.startswith("u") or len(encoded) > MAX_ENCODED:
        raise ValueError("not a multibase base64url status list")
    try:
        padded = encoded[1:] + "=" * (-len(encoded[1:]) % 4)
        compressed = base64.b64decode(padded, altchars=b"-_", validate=True)
        with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
            bits = stream.read(LIST_SIZE * 64 // 8 + 1)
    except (OSError, EOFError, zlib.error, binascii.Error) as error:
        raise ValueError("not a GZIP status list") from error
    if not bits or len(bits) > LIST_SIZE * 64 // 8:
        raise ValueError("status list empty or too long")
    return bits


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise ValueError("index outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def split(index: int) -> tuple[int, int]:
    """A global status index -> (list number, index within that list)."""
    return divmod(index, LIST_SIZE)

"""What signing and verifying an Open Badges 3.0 credential costs, against one plain Ed25519
signature measured in the same run (the goal: under 5 ms to sign).

Run: ``make bench BENCH_ARGS=credentials`` (1,000 credentials of each kind; set
``CREDENTIALS_BENCH_N`` for another count). Each credential has another holder name, as in a
real export. The eddsa-rdfc-2022 proof canonicalizes the credential and the proof options with
RDFC-1.0 (PyLD), which is where the time goes; the JWT signs the JSON bytes directly.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import lms.quizzes.models  # noqa: F401  (every mapped class, for the in-memory Certificate)
from lms.certificates import credential, dataintegrity, keys, statuslist, vcjwt
from lms.certificates.models import Certificate, CertificateStatus

NAMES = ["Nguyễn Thị Phương", "فاطمة الزهراء", "陳美玲", "Amina Diallo", "ⵎⴰⵙⵉⵏⵉⵙⴰ ⵉⴷⵉⵔ"]
DID = "did:web:learn.example.org"


def sample(i: int) -> dict:
    moment = datetime(2026, 11, 3, 10, 0)
    cert = Certificate(
        id=i, code=f"C{i:017d}", user_id=i, course_id=1, status=CertificateStatus.VALID,
        holder_name=f"{NAMES[i % len(NAMES)]} {i}", course_title="ICT Basics for Lecturers",
        course_version="1.0", hours=6.0, language="en", completed_at=moment, issued_at=moment,
        issuer_name="ICT in Higher Education Learning Platform", signatory="", status_index=i,
        identity_salt="60d9079e09b99a421187d0b3c62b5c53", identity_hash="sha256$" + "0" * 64,
    )  # fmt: skip
    links = credential.CredentialLinks(
        credential_id=f"https://learn.example.org/verify/{cert.code}",
        issuer_did=DID,
        site_url="https://learn.example.org/",
        achievement_id="https://learn.example.org/courses/ict-basics",
        status_list_url="https://learn.example.org/credentials/status/0",
        status_index=i,
        image_url="https://learn.example.org/static/img/badge.png",
    )
    return credential.unsigned_credential(cert, links, "A first course in teaching with ICT.")


def per_item(label: str, items: list, work) -> tuple[str, float]:
    times = []
    for item in items:
        started = time.perf_counter()
        work(item)
        times.append(time.perf_counter() - started)
    return label, statistics.median(times) * 1000, sum(times)


def main(argv: list[str]) -> None:
    count = int(os.environ.get("CREDENTIALS_BENCH_N", "1000"))
    key = Ed25519PrivateKey.generate()
    method = f"{DID}#{keys.multikey(key.public_key())}"
    public = key.public_key()

    def resolve(name: str):
        return public if name == method else None

    documents = [sample(i) for i in range(count)]
    dataintegrity.add_proof(sample(count), key, method, "2026-11-03T10:00:00Z")  # contexts loaded once
    signed = []
    tokens = []
    rows = [
        per_item("plain Ed25519 signature of 64 bytes (baseline)", documents, lambda d: key.sign(bytes(64)))
    ]
    rows.append(
        per_item(
            "sign: eddsa-rdfc-2022 proof",
            documents,
            lambda d: signed.append(dataintegrity.add_proof(d, key, method, d["validFrom"])),
        )
    )
    rows.append(
        per_item("verify: eddsa-rdfc-2022 proof", signed, lambda s: dataintegrity.verify_proof(s, resolve))
    )
    rows.append(
        per_item(
            "sign: VC-JOSE JWT (EdDSA)", documents, lambda d: tokens.append(vcjwt.encode(d, key, method))
        )
    )
    rows.append(per_item("verify: VC-JOSE JWT", tokens, lambda t: vcjwt.verify(t, resolve)))
    bits = set(range(0, statuslist.LIST_SIZE, 97))
    rows.append(per_item("status list: encode 131,072 bits", [None] * 20, lambda _x: statuslist.encode(bits)))
    baseline = rows[0][1]
    print(f"{count} credentials of each kind; medians per credential, totals per 1,000.\n")
    print("| Operation | median ms | s per 1,000 | ratio to one Ed25519 signature |")
    print("| --- | ---: | ---: | ---: |")
    for label, median, total in rows:
        n = 20 if label.startswith("status") else count
        print(f"| {label} | {median:.3f} | {total / n * 1000:.2f} | {median / baseline:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1:])

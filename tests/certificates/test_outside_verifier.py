"""Credentials checked by verifiers nobody here wrote: Digital Bazaar's reference JavaScript
libraries (`@digitalbazaar/vc` with the eddsa-rdfc-2022 cryptosuite and the Bitstring Status
List checker) and panva's `jose` for the JWT form, run offline with the machine's Node.js.

They read the JSON-LD contexts from their publishers' npm packages, not from our bundled
copies, and resolve did:web themselves from what the site serves. `.ci/run` installs them
(`npm ci --prefix tests/certificates/outside`); without them these tests fail, never skip.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms.certificates import dataintegrity, keys, services

HARNESS = Path(__file__).with_name("outside")


def outside_verify(client, credentials=(), jwts=()) -> dict:
    node = shutil.which("node")
    if node is None or not (HARNESS / "node_modules" / "@digitalbazaar" / "vc").is_dir():
        pytest.fail(f"the outside verifier is not installed: run `npm ci --prefix {HARNESS}` (.ci/run does)")
    web = {
        "https://localhost/.well-known/did.json": json.loads(client.get("/.well-known/did.json").data),
    }
    for credential in credentials:
        status = credential.get("credentialStatus", {}).get("statusListCredential")
        if status and status not in web:
            web[status] = json.loads(client.get(status.removeprefix("http://localhost")).data)
    result = subprocess.run(
        [node, str(HARNESS / "verify.mjs")],
        input=json.dumps({"credentials": list(credentials), "jwts": list(jwts), "web": web}),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def credential_of(client, cert) -> dict:
    return json.loads(client.get(f"/verify/{cert.code}/credential.json").data)


def test_the_reference_verifier_accepts_a_valid_credential_and_its_status(client, certified):
    _user, cert = certified(full_name="فاطمة الزهراء")
    (result,) = outside_verify(client, [credential_of(client, cert)])["credentials"]
    assert result == {"verified": True, "revoked": False, "error": None}


def test_the_reference_verifier_rejects_a_change_of_one_character(client, certified):
    _user, cert = certified(full_name="Nguyễn Thị Phương")
    vc = credential_of(client, cert)
    name = copy.deepcopy(vc)
    name["credentialSubject"]["name"] = "Nguyễn Thị Phươnh"
    hours = copy.deepcopy(vc)
    hours["credentialSubject"]["achievement"]["creditsAvailable"] += 1
    created = copy.deepcopy(vc)
    created["proof"][0]["created"] = created["proof"][0]["created"].replace("2", "1", 1)
    results = outside_verify(client, [name, hours, created])["credentials"]
    assert [r["verified"] for r in results] == [False, False, False], results


def test_the_reference_verifier_sees_revocation_reinstatement_and_supersession(
    client, certified, db, make_user
):
    admin = make_user(role="admin")
    _user, cert = certified()
    services.revoke(cert, "Issued by mistake.", admin)
    db.session.commit()
    vc = credential_of(client, cert)
    (revoked,) = outside_verify(client, [vc])["credentials"]
    assert revoked["verified"] is True and revoked["revoked"] is True  # intact, and revoked

    services.reinstate(cert, admin)
    db.session.commit()
    (reinstated,) = outside_verify(client, [vc])["credentials"]
    assert reinstated["revoked"] is False

    successor = services.reissue(cert, admin, "Name corrected.")
    db.session.commit()
    old, new = outside_verify(client, [vc, credential_of(client, successor)])["credentials"]
    assert old["revoked"] is True and new["revoked"] is False


def test_the_reference_verifier_rejects_a_key_the_did_document_does_not_list(app, client, certified):
    _user, cert = certified()
    vc = credential_of(client, cert)
    stranger = Ed25519PrivateKey.generate()
    with app.app_context():
        forged = dataintegrity.add_proof(
            vc, stranger, "did:web:localhost#" + keys.multikey(stranger.public_key()), vc["validFrom"]
        )
    (result,) = outside_verify(client, [forged])["credentials"]
    assert result["verified"] is False


def test_jose_accepts_the_jwt_and_rejects_a_tampered_one(client, certified):
    _user, cert = certified()
    token = client.get(f"/verify/{cert.code}/credential.jwt").get_data(as_text=True)
    head, body, signature = token.split(".")
    flipped = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    good, bad = outside_verify(client, jwts=[token, f"{head}.{flipped}.{signature}"])["jwts"]
    assert good["verified"] is True and good["typ"] == "vc+jwt"
    assert good["id"] == f"http://localhost/verify/{cert.code}"
    assert bad["verified"] is False

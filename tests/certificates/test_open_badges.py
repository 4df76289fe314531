"""Certificates as Open Badges 3.0 credentials: shape, did:web, the eddsa-rdfc-2022 proof, the
JWT form, key rotation, and hostile credentials (tampered, unknown contexts, undefined terms).

What a verifier written by others makes of them is in test_outside_verifier.py.
"""

from __future__ import annotations

import copy
import hashlib
import json

import pytest

from lms.certificates import dataintegrity, did, documents, keys, linkeddata, vcjwt


def fetch_credential(client, cert) -> dict:
    response = client.get(f"/verify/{cert.code}/credential.json")
    assert response.status_code == 200
    assert response.mimetype == "application/vc"
    return json.loads(response.data)


def verify(app, document: dict) -> str:
    with app.app_context():
        return dataintegrity.verify_proof(document, documents.key_resolver())


def test_the_credential_is_an_open_badge_with_a_data_integrity_proof(client, certified):
    _user, cert = certified(full_name="Nguyễn Thị Phương")
    vc = fetch_credential(client, cert)
    assert vc["@context"] == [linkeddata.CREDENTIALS_V2, linkeddata.OPEN_BADGES_V3]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["type"] == ["Profile"] and vc["issuer"]["id"] == "did:web:localhost"
    assert vc["id"] == f"http://localhost/verify/{cert.code}"
    assert vc["name"] == "ICT Basics for Lecturers"
    assert vc["validFrom"].endswith("Z")
    subject = vc["credentialSubject"]
    assert subject["name"] == "Nguyễn Thị Phương"
    assert subject["achievement"]["name"] == "ICT Basics for Lecturers"
    assert subject["achievement"]["criteria"]["narrative"]
    assert vc["credentialSchema"][0]["type"] == "JsonSchema"
    assert vc["proof"][0]["type"] == "DataIntegrityProof"
    assert vc["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert vc["proof"][0]["proofValue"].startswith("z")


def test_whole_hours_are_written_as_integers_so_every_language_reads_the_same_number(client, certified):
    _user, cert = certified()
    raw = client.get(f"/verify/{cert.code}/credential.json").get_data(as_text=True)
    hours = int(cert.hours)
    assert f'"creditsAvailable":{hours},' in raw.replace(
        " ", ""
    ) or f'"creditsAvailable":{hours}}}' in raw.replace(" ", "")
    assert f'"creditsAvailable":{hours}.0' not in raw.replace(" ", "")


def test_the_identifier_is_a_salted_hash_of_the_email_that_its_holder_can_show(client, certified):
    user, cert = certified(email="Amina.Diallo@Example.org")
    vc = fetch_credential(client, cert)
    (identity,) = vc["credentialSubject"]["identifier"]
    assert identity["type"] == "IdentityObject" and identity["identityType"] == "emailAddress"
    assert identity["hashed"] is True and len(identity["salt"]) == 32
    expected = hashlib.sha256(("amina.diallo@example.org" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == "sha256$" + expected
    assert "amina" not in json.dumps(vc).lower()


def test_the_same_certificate_gives_the_same_credential(client, certified):
    _user, cert = certified()
    assert fetch_credential(client, cert) == fetch_credential(client, cert)


def test_the_credential_verifies_against_the_did_document(app, client, certified):
    _user, cert = certified()
    vc = fetch_credential(client, cert)
    document = json.loads(client.get("/.well-known/did.json").data)
    assert document["id"] == "did:web:localhost"
    (method,) = document["verificationMethod"]
    assert method["type"] == "Multikey" and method["controller"] == document["id"]
    assert document["assertionMethod"] == [method["id"]]
    assert vc["proof"][0]["verificationMethod"] == method["id"]
    assert verify(app, vc) == method["id"]


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("name", lambda vc: vc.update(name=vc["name"][:-1] + "X")),
        ("credentialSubject.name", lambda vc: vc["credentialSubject"].update(name="Mallory")),
        ("hours", lambda vc: vc["credentialSubject"]["achievement"].update(creditsAvailable=200)),
        ("validFrom", lambda vc: vc.update(validFrom="2020-01-01T00:00:00Z")),
        ("proof.created", lambda vc: vc["proof"][0].update(created="2020-01-01T00:00:00Z")),
        ("status index", lambda vc: vc["credentialStatus"].update(statusListIndex="1")),
        (
            "one signature symbol",
            lambda vc: vc["proof"][0].update(proofValue=vc["proof"][0]["proofValue"][:-1] + "2"),
        ),
    ],
)
def test_a_change_of_one_fact_or_one_symbol_breaks_the_proof(app, client, certified, path, change):
    _user, cert = certified()
    vc = fetch_credential(client, cert)
    forged = copy.deepcopy(vc)
    change(forged)
    assert forged != vc
    with pytest.raises(dataintegrity.ProofError) as error:
        verify(app, forged)
    assert error.value.code == "bad-signature", path


def test_a_credential_with_its_proof_as_a_bare_object_still_verifies_and_a_set_of_two_is_refused(
    app, client, certified
):
    """Credentials downloaded before the proof became a set of one keep verifying; a second
    proof (whose meaning a verifier would have to guess) is refused, not half-checked."""
    _user, cert = certified()
    vc = fetch_credential(client, cert)
    assert len(vc["proof"]) == 1
    older = {**vc, "proof": vc["proof"][0]}
    assert verify(app, older) == vc["proof"][0]["verificationMethod"]
    with pytest.raises(dataintegrity.ProofError) as refused:
        verify(app, {**vc, "proof": vc["proof"] * 2})
    assert refused.value.code == "unsupported-proof"


def test_reordering_keys_does_not_break_the_proof(app, client, certified):
    """The proof signs facts, not JSON spelling."""
    _user, cert = certified()
    vc = fetch_credential(client, cert)
    reordered = json.loads(json.dumps(vc, sort_keys=True, indent=3))
    reordered = dict(reversed(list(reordered.items())))
    assert verify(app, reordered)


@pytest.mark.parametrize(
    "change",
    [
        lambda vc: vc["credentialSubject"].update(grade="A+"),
        lambda vc: vc["credentialSchema"][0].update(type="1EdTechJsonSchemaValidator2019"),
        lambda vc: vc["credentialSubject"]["achievement"].update(id="relative/course"),
        lambda vc: vc["credentialSubject"].update({"@context": {"grade": "https://evil.example/grade"}}),
    ],
    ids=["undefined term", "undefined type", "relative id", "embedded context"],
)
def test_what_json_ld_would_silently_drop_is_refused(app, client, certified, change):
    """An undefined term or type, or a relative IRI, vanishes from the RDF, so it could be
    added to a signed credential without breaking the proof: it is refused instead."""
    _user, cert = certified()
    vc = fetch_credential(client, cert)
    change(vc)
    with pytest.raises(dataintegrity.ProofError) as error:
        verify(app, vc)
    assert error.value.code == "not-canonical"


@pytest.mark.parametrize(
    "contexts",
    [
        [linkeddata.CREDENTIALS_V2, "https://evil.example/ob-v3p0/context-3.0.3.json"],
        [linkeddata.CREDENTIALS_V2, {"@vocab": "https://evil.example/#"}],
        "https://www.w3.org/ns/credentials/v2",
    ],
)
def test_an_unknown_or_inline_context_is_refused_without_touching_the_network(
    app, client, certified, contexts, monkeypatch
):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the document loader tried the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    _user, cert = certified()
    vc = fetch_credential(client, cert)
    vc["@context"] = contexts
    with pytest.raises(dataintegrity.ProofError) as error:
        verify(app, vc)
    assert error.value.code == "not-canonical"
    with pytest.raises(linkeddata.LinkedDataError):
        linkeddata.load_document("https://evil.example/ob-v3p0/context-3.0.3.json")


def test_a_proof_by_a_key_of_another_issuer_is_refused(app, client, certified):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _user, cert = certified()
    vc = fetch_credential(client, cert)
    stranger = Ed25519PrivateKey.generate()
    for method in (
        "did:web:localhost#" + keys.multikey(stranger.public_key()),  # our DID, a key we never had
        "did:web:evil.example#" + keys.multikey(stranger.public_key()),
    ):
        forged = dataintegrity.add_proof(vc, stranger, method, vc["validFrom"])
        with pytest.raises(dataintegrity.ProofError) as error:
            verify(app, forged)
        assert error.value.code == "unknown-key"


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://learn.example.org", "did:web:learn.example.org"),
        ("https://learn.example.org:8443", "did:web:learn.example.org%3A8443"),
        ("https://example.org/lms", "did:web:example.org:lms"),
        ("https://example.org/a/b", "did:web:example.org:a:b"),
    ],
)
def test_the_did_comes_from_the_configured_address(base_url, expected):
    assert did.did_web(base_url) == expected


def test_a_site_under_a_path_serves_its_did_document_where_did_web_looks(make_app):
    app = make_app(BASE_URL="https://example.org/lms")
    client = app.test_client()
    response = client.get("/did.json", base_url="https://example.org/lms")  # script root /lms
    assert response.status_code == 200
    assert json.loads(response.data)["id"] == "did:web:example.org:lms"


def test_the_did_document_is_cacheable(client):
    first = client.get("/.well-known/did.json")
    assert "public" in first.headers["Cache-Control"]
    again = client.get("/.well-known/did.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_a_rotated_key_keeps_old_credentials_verifying(make_app, certified):
    app = make_app()  # a key of its own: the rotation stays out of other tests
    client = app.test_client()
    _user, cert = certified()
    before = fetch_credential(client, cert)
    with app.app_context():
        old = keys.current_multikey()
        new = keys.rotate()
    assert new != old
    after = fetch_credential(client, cert)
    assert after["proof"][0]["verificationMethod"].endswith("#" + new)
    assert before["proof"][0]["verificationMethod"].endswith("#" + old)
    methods = [
        m["publicKeyMultibase"]
        for m in json.loads(client.get("/.well-known/did.json").data)["verificationMethod"]
    ]
    assert methods == [new, old]
    assert verify(app, before) and verify(app, after)


def test_the_jwt_carries_the_same_credential_signed_with_eddsa(app, client, certified):
    _user, cert = certified()
    response = client.get(f"/verify/{cert.code}/credential.jwt")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    token = response.get_data(as_text=True)
    with app.app_context():
        payload = vcjwt.verify(token, documents.key_resolver())
        head, body, signature = token.split(".")
        forged = head + "." + body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + signature
        with pytest.raises(vcjwt.TokenError):
            vcjwt.verify(forged, documents.key_resolver())
    vc = fetch_credential(client, cert)
    assert payload == {name: value for name, value in vc.items() if name != "proof"}


def test_a_revoked_certificate_still_has_its_signed_credential(client, certified, db, make_user):
    from lms.certificates import services

    _user, cert = certified()
    services.revoke(cert, "Issued by mistake.", make_user(role="admin"))
    db.session.commit()
    assert client.get(f"/verify/{cert.code}/credential.json").status_code == 200
    assert client.get(f"/verify/{cert.code}/credential.jwt").status_code == 200


def test_an_unknown_code_has_no_credential(client):
    assert client.get("/verify/0000-0000-0000-0000-0/credential.json").status_code == 404
    assert client.get("/verify/0000-0000-0000-0000-0/credential.jwt").status_code == 404
    assert client.get("/verify/nonsense/credential.jwt").status_code == 400


def test_the_rotate_key_command_retires_the_old_key(make_app):
    app = make_app()
    with app.app_context():
        old = keys.current_multikey()
    result = app.test_cli_runner().invoke(args=["certificates", "rotate-key"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert keys.published_multikeys()[1:] == [old]
        assert keys.current_multikey() in result.output and old in result.output


def test_after_the_holder_withdraws_no_credential_is_served_and_the_identity_hash_is_gone(
    client, certified, db
):
    from lms.certificates.models import Certificate
    from lms.privacy import services as privacy

    user, cert = certified()
    assert cert.identity_hash
    privacy.erase(user, actor=None)
    db.session.commit()
    for path in ("credential.json", "credential.jwt", "badge.png"):
        assert client.get(f"/verify/{cert.code}/{path}").status_code == 410, path
    db.session.expire_all()
    erased = db.session.get(Certificate, cert.id)
    assert (erased.identity_hash, erased.identity_salt) == ("", "")
    assert erased.status_index == cert.status_index  # its status stays in the list

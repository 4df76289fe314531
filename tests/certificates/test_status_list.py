"""Revocation through a W3C Bitstring Status List: each credential names its bit, the site
serves the signed list, and revoking, reinstating or re-issuing changes the bit."""

from __future__ import annotations

import json

from lms.certificates import dataintegrity, documents, services, statuslist


def status_of(client, vc: dict) -> tuple[bool, dict, object]:
    entry = vc["credentialStatus"]
    response = client.get(entry["statusListCredential"].removeprefix("http://localhost"))
    assert response.status_code == 200
    listed = json.loads(response.data)
    bits = statuslist.decode(listed["credentialSubject"]["encodedList"])
    index = int(entry["statusListIndex"]) % statuslist.LIST_SIZE
    return statuslist.is_set(bits, index), listed, response


def credential_of(client, cert) -> dict:
    return json.loads(client.get(f"/verify/{cert.code}/credential.json").data)


def test_each_credential_names_its_own_bit(client, certified):
    certs = [certified()[1] for _ in range(3)]
    entries = [credential_of(client, cert)["credentialStatus"] for cert in certs]
    assert len({entry["statusListIndex"] for entry in entries}) == 3
    for cert, entry in zip(certs, entries, strict=True):
        assert entry["type"] == "BitstringStatusListEntry" and entry["statusPurpose"] == "revocation"
        assert int(entry["statusListIndex"]) == cert.status_index
        assert entry["id"] == f"{entry['statusListCredential']}#{cert.status_index}"


def test_the_list_is_a_signed_credential_of_at_least_16_kib(app, client, certified):
    _user, cert = certified()
    revoked, listed, _response = status_of(client, credential_of(client, cert))
    assert not revoked
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["credentialSubject"]["type"] == "BitstringStatusList"
    assert len(statuslist.decode(listed["credentialSubject"]["encodedList"])) * 8 == 131_072
    with app.app_context():
        assert dataintegrity.verify_proof(listed, documents.key_resolver())


def test_revoking_sets_the_bit_and_reinstating_clears_it(client, certified, db, make_user):
    admin = make_user(role="admin")
    _user, cert = certified()
    _other, bystander = certified()
    vc = credential_of(client, cert)
    services.revoke(cert, "Issued by mistake.", admin)
    db.session.commit()
    assert status_of(client, vc)[0] is True
    assert status_of(client, credential_of(client, bystander))[0] is False
    services.reinstate(cert, admin)
    db.session.commit()
    assert status_of(client, vc)[0] is False


def test_a_superseded_certificate_is_revoked_in_the_list_and_its_successor_is_not(
    client, certified, db, make_user
):
    _user, cert = certified()
    old = credential_of(client, cert)
    successor = services.reissue(cert, make_user(role="admin"), "Name corrected.")
    db.session.commit()
    assert status_of(client, old)[0] is True
    assert status_of(client, credential_of(client, successor))[0] is False
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert successor.code in page


def test_the_list_is_cacheable_until_a_status_changes(client, certified, db, make_user):
    _user, cert = certified()
    vc = credential_of(client, cert)
    _bit, first, response = status_of(client, vc)
    assert response.headers["Cache-Control"] == "public, max-age=300"
    etag = response.headers["ETag"]
    again = client.get("/credentials/status/0", headers={"If-None-Match": etag})
    assert again.status_code == 304
    services.revoke(cert, "Issued by mistake.", make_user(role="admin"))
    db.session.commit()
    _bit, second, response = status_of(client, vc)
    assert response.headers["ETag"] != etag
    assert second["validFrom"] >= first["validFrom"] and second["proof"] != first["proof"]


def test_an_unknown_list_is_404(client):
    assert client.get("/credentials/status/1024").status_code == 404
    assert client.get("/credentials/status/-1").status_code == 404
    assert client.get("/credentials/status/99999999999999999999").status_code == 404


def test_indexes_are_spread_over_the_list_not_sequential(client, certified):
    indexes = sorted(certified()[1].status_index for _ in range(6))
    assert all(0 <= index < statuslist.LIST_SIZE for index in indexes)
    assert indexes != list(range(indexes[0], indexes[0] + 6))


def test_a_bitstring_round_trips_and_hostile_lists_are_refused():
    import base64
    import gzip

    encoded = statuslist.encode({0, 7, 8, 131_071})
    bits = statuslist.decode(encoded)
    assert [statuslist.is_set(bits, i) for i in (0, 1, 7, 8, 9, 131_071)] == [
        True,
        False,
        True,
        True,
        False,
        True,
    ]
    assert bits[0] == 0b10000001  # bit 0 is the leftmost bit of the first byte
    for hostile in ("", "znot", "u!!!", "u" + base64.urlsafe_b64encode(b"not gzip").decode()):
        try:
            statuslist.decode(hostile)
        except ValueError:
            continue
        raise AssertionError(hostile)
    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(bytes(10_000_000))).decode().rstrip("=")
    try:
        statuslist.decode(bomb)
    except ValueError:
        pass
    else:
        raise AssertionError("a 10 MB list was expanded")


def test_a_status_index_already_taken_is_drawn_again(certified, monkeypatch):
    from lms.certificates import services as issuing

    draws = iter([41, 41, 42])
    monkeypatch.setattr(issuing, "_draw_status_index", lambda: next(draws))
    _user, first = certified()
    _other, second = certified()
    assert (first.status_index, second.status_index) == (41, 42)

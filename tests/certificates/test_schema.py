"""Every form of credential the site issues is valid against 1EdTech's own Open Badges 3.0 JSON
Schema (schemas/README.md says where it comes from), checked by the `jsonschema` package with
its formats (RFC 3339 date-times) enforced: a wallet or registry that validates before it
accepts a badge accepts ours. Names in any script, revoked and withdrawn holders included."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import pytest
from jsonschema import Draft201909Validator
from PIL import Image

from lms.certificates import documents, vcjwt

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "ob_v3p0_achievementcredential.json").read_text())
VALIDATOR = Draft201909Validator(SCHEMA, format_checker=Draft201909Validator.FORMAT_CHECKER)


def problems(credential: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(credential)]


def test_the_schema_is_the_vc_2_0_one_and_the_validator_checks_dates():
    assert SCHEMA["$schema"].startswith("https://json-schema.org/draft/2019-09/")
    assert "validFrom" in SCHEMA["required"]
    Draft201909Validator.check_schema(SCHEMA)
    assert "date-time" in VALIDATOR.format_checker.checkers  # rfc3339-validator is installed


@pytest.mark.parametrize(
    "full_name", ["Nguyễn Thị Phương", "محمد عبد الله", "王秀英", "ሰላም ተስፋዬ", "Ō'Brien-Łukasiewicz"]
)
def test_the_credential_in_every_form_passes_the_open_badges_schema(app, client, certified, full_name):
    _user, cert = certified(full_name=full_name)
    signed = json.loads(client.get(f"/verify/{cert.code}/credential.json").data)
    assert problems(signed) == []
    with app.app_context():
        payload = vcjwt.verify(
            client.get(f"/verify/{cert.code}/credential.jwt").get_data(as_text=True), documents.key_resolver()
        )
    assert problems(payload) == []  # the JWT's payload: the same credential without its proof
    baked = Image.open(io.BytesIO(client.get(f"/verify/{cert.code}/badge.png").data))
    baked.load()
    assert problems(json.loads(baked.text["openbadgecredential"])) == []


def test_a_revoked_and_a_reissued_certificates_credentials_pass_too(app, client, certified, db, make_user):
    from lms.certificates import services

    _user, cert = certified()
    admin = make_user(role="admin")
    services.reissue(cert, admin, reason="name corrected")
    db.session.commit()
    old = json.loads(client.get(f"/verify/{cert.code}/credential.json").data)
    assert problems(old) == []


@pytest.mark.parametrize(
    "change",
    [
        lambda vc: vc.pop("validFrom"),
        lambda vc: vc.__setitem__("validFrom", "1 December 2026"),
        lambda vc: vc["credentialSubject"].pop("achievement"),
        lambda vc: vc["credentialSubject"]["identifier"][0].pop("identityHash"),
        lambda vc: vc["credentialSubject"]["identifier"][0].__setitem__("identityType", "email"),
        lambda vc: vc.__setitem__("type", []),
    ],
)
def test_the_schema_check_would_see_a_credential_that_breaks_it(client, certified, change):
    """So the test above can fail: what the schema forbids, the validator reports."""
    _user, cert = certified()
    vc = copy.deepcopy(json.loads(client.get(f"/verify/{cert.code}/credential.json").data))
    change(vc)
    assert problems(vc)

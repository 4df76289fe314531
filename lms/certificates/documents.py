"""From a Certificate to what people download: its PDF and its signed credentials; and the
issuer's public documents (DID document, status lists).

The glue between the pure renderers (`pdf`, `credential`, `statuslist`, `did`) and the
application: settings and absolute URLs (always from BASE_URL, in requests and in the CLI
alike: `lms.links`).
"""

from __future__ import annotations

import json
from functools import lru_cache

from flask import current_app

from lms.certificates import credential, did, keys, pdf, queries, statuslist, vcjwt
from lms.certificates.models import Certificate
from lms.links import absolute_url
from lms.typography.coverage import UnprintableTextError

# The status lists' validFrom before any certificate ever changed status.
STATUS_EPOCH = "2026-01-01T00:00:00Z"


def verification_url(code: str) -> str:
    return absolute_url("certificates.verify_code", code=code)


def credential_url(code: str) -> str:
    return absolute_url("certificates.credential", code=code)


def issuer_url() -> str:
    return absolute_url("certificates.issuer")


def site_did() -> str:
    return did.did_web(current_app.config["BASE_URL"])


def status_list_url(list_number: int) -> str:
    return absolute_url("certificates.status_list", list_number=list_number)


def links(cert: Certificate) -> credential.CredentialLinks:
    list_number, _within = statuslist.split(cert.status_index or 0)
    return credential.CredentialLinks(
        credential_id=verification_url(cert.code),
        issuer_did=site_did(),
        site_url=current_app.config["BASE_URL"] + "/",
        achievement_id=absolute_url("courses.course", slug=cert.course.slug),
        status_list_url=status_list_url(list_number),
        status_index=cert.status_index or 0,
        image_url=absolute_url("static", filename="img/badge.png"),
    )


def layout() -> pdf.Layout:
    config = current_app.config
    return pdf.Layout(
        page_size=config["CERTIFICATE_PAGE_SIZE"],
        logo_path=config["CERTIFICATE_LOGO"] or None,
        signatory_title=config["CERTIFICATE_SIGNATORY_TITLE"],
        interface_languages=tuple(config["LANGUAGES"]),
    )


def credential_bytes(cert: Certificate) -> bytes:
    """The signed credential as the file a PDF or a badge carries (compact UTF-8 JSON)."""
    return json.dumps(signed_credential(cert), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def certificate_pdf(cert: Certificate, page_layout: pdf.Layout | None = None) -> bytes:
    """The PDF bytes, carrying the signed credential. Raises typesetting.UnprintableTextError
    for a name no font can print."""
    return pdf.render(cert, verification_url(cert.code), page_layout or layout(), credential_bytes(cert))


def export_renderer(page_layout: pdf.Layout):
    """A renderer for bulk exports: a name no font can print yields None (listed, not fatal)."""

    def render(cert: Certificate) -> bytes | None:
        try:
            return pdf.render(cert, verification_url(cert.code), page_layout, credential_bytes(cert))
        except UnprintableTextError:
            return None

    return render


def unsigned_credential(cert: Certificate) -> dict:
    summary = cert.course.summary if cert.course is not None else ""
    return credential.unsigned_credential(cert, links(cert), summary)


def signed_credential(cert: Certificate) -> dict:
    """The Open Badges 3.0 credential with its eddsa-rdfc-2022 proof. The proof is the same for
    the same facts and key (it is created at validFrom), so it is kept for the next download
    of the same certificate: signing costs milliseconds of canonicalization."""
    document = unsigned_credential(cert)
    text = json.dumps(document, ensure_ascii=False)
    return json.loads(_signed(text, site_did(), keys.current_multikey()))


@lru_cache(maxsize=512)
def _signed(text: str, issuer: str, _key: str) -> str:
    return json.dumps(credential.sign(json.loads(text), issuer), ensure_ascii=False)


def credential_jwt(cert: Certificate) -> str:
    """The same credential as a VC-JOSE JWT (`application/vc+jwt`)."""
    key = keys.private_key()
    return vcjwt.encode(
        unsigned_credential(cert), key, did.method_id(site_did(), keys.multikey(key.public_key()))
    )


def did_document() -> dict:
    return did.document(site_did(), keys.published_multikeys())


def key_resolver():
    """Keys this site trusts for its own credentials: its current and retired keys."""
    return credential.trusted_key_resolver(site_did())


def status_list_credential(list_number: int) -> dict:
    """The signed BitstringStatusListCredential for one list, as the database says now. The
    same state gives the same document (validFrom is the last status change), so it is signed
    once per change and a cache can keep it until then."""
    encoded = statuslist.encode(queries.status_bits(list_number, statuslist.LIST_SIZE))
    changed = queries.last_status_change()
    valid_from = credential.iso(changed) if changed is not None else STATUS_EPOCH
    return _signed_status_list(
        status_list_url(list_number), site_did(), encoded, valid_from, keys.current_multikey()
    )


@lru_cache(maxsize=8)
def _signed_status_list(url: str, issuer: str, encoded: str, valid_from: str, _key: str) -> dict:
    document = {
        "@context": [credential.CONTEXTS[0]],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    return credential.sign(document, issuer)


def issuer_profile() -> dict:
    """/.well-known/lms-issuer.json, kept for verifiers of the first format: the issuer and its
    keys as JWKs (current first)."""
    issuer = issuer_url()
    methods = []
    for published in keys.published_multikeys():
        raw = keys.raw_public(keys.from_multikey(published))
        methods.append(
            {
                "id": f"{issuer}#{published}",
                "type": "JsonWebKey",
                "controller": issuer,
                "publicKeyJwk": {"kty": "OKP", "crv": "Ed25519", "x": vcjwt.b64url(raw)},
            }
        )
    return {
        "@context": list(credential.CONTEXTS),
        "id": issuer,
        "type": ["Profile"],
        "name": current_app.config["CERTIFICATE_ISSUER"],
        "did": site_did(),
        "verificationMethod": methods,
    }


def pdf_filename(cert: Certificate) -> str:
    return f"certificate-{cert.course.slug}-{cert.code}.pdf"

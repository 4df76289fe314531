"""Certificates: the learner's list and PDF, public verification, the administrators' register.

The world has a course `certified` that the enrolled learner and the trainer completed: the
learner's certificate is valid, the trainer's is revoked.
"""

from tests import factories
from tests.access import ADMIN_ACTION, ADMINS, LOGIN, PUBLIC, SIGNED_IN, Route, cells

HOLDER_OR_ADMIN = cells(LOGIN, 200, 404, 200, not_enrolled=404)
EVERYONE_404 = cells(404, 404, 404, 404)
EVERYONE_400 = cells(400, 400, 400, 400)


def build(world):
    from lms.certificates import services
    from lms.columns import utcnow

    course = factories.make_course("certified", modules=1, lessons=1, quiz=False)
    for holder in (world.enrolled, world.trainer):
        enrolment = factories.enrol(holder, course)
        enrolment.completed_at = utcnow()
        enrolment.completed_version = course.version
    world.certificate = services.issue_for_enrolment(factories.enrol(world.enrolled, course))
    world.revoked_certificate = services.issue_for_enrolment(factories.enrol(world.trainer, course))
    services.revoke(world.revoked_certificate, "Issued by mistake.", world.admin)


ROUTES = [
    Route("certificates.mine", lambda w: "/certificates", SIGNED_IN),
    Route("certificates.download", lambda w: f"/certificates/{w.certificate.id}.pdf", HOLDER_OR_ADMIN),
    Route(
        "certificates.download",
        lambda w: "/certificates/999999.pdf",
        cells(LOGIN, 404, 404, 404),
        note="unknown",
    ),
    Route("certificates.verify", lambda w: "/verify", PUBLIC),
    Route("certificates.verify", lambda w: "/verify?code=nonsense", EVERYONE_400, note="malformed"),
    Route("certificates.verify_code", lambda w: f"/verify/{w.certificate.code}", PUBLIC),
    Route(
        "certificates.verify_code", lambda w: f"/verify/{w.revoked_certificate.code}", PUBLIC, note="revoked"
    ),
    Route(
        "certificates.verify_code", lambda w: "/verify/0000-0000-0000-0000-0", EVERYONE_404, note="unknown"
    ),
    Route(
        "certificates.verify_code", lambda w: "/verify/0000-0000-0000-0000-1", EVERYONE_400, note="bad check"
    ),
    Route("certificates.verify_json", lambda w: f"/verify/{w.certificate.code}.json", PUBLIC),
    Route("certificates.credential", lambda w: f"/verify/{w.certificate.code}/credential.json", PUBLIC),
    Route("certificates.credential_jwt", lambda w: f"/verify/{w.certificate.code}/credential.jwt", PUBLIC),
    Route(
        "certificates.credential_jwt",
        lambda w: f"/verify/{w.revoked_certificate.code}/credential.jwt",
        PUBLIC,
        note="revoked",
    ),
    Route("certificates.badge", lambda w: f"/verify/{w.certificate.code}/badge.png", PUBLIC),
    Route(
        "certificates.badge",
        lambda w: "/verify/0000-0000-0000-0000-0/badge.png",
        EVERYONE_404,
        note="unknown",
    ),
    Route("certificates.verify_file", lambda w: "/verify/file", EVERYONE_400, method="POST", note="no file"),
    Route("certificates.issuer", lambda w: "/.well-known/lms-issuer.json", PUBLIC),
    Route("certificates.did_document", lambda w: "/.well-known/did.json", PUBLIC),
    Route("certificates.did_document", lambda w: "/did.json", PUBLIC, note="site under a path"),
    Route("certificates.status_list", lambda w: "/credentials/status/0", PUBLIC),
    Route("certificates.status_list", lambda w: "/credentials/status/99999", EVERYONE_404, note="unknown"),
    Route("certificates.register", lambda w: "/admin/certificates", ADMINS),
    Route("certificates.register_csv", lambda w: "/admin/certificates.csv", ADMINS),
    Route("certificates.export_zip", lambda w: "/admin/certificates/export", ADMIN_ACTION, method="POST"),
    Route("certificates.manage", lambda w: f"/admin/certificates/{w.certificate.id}", ADMINS),
    Route("certificates.manage", "/admin/certificates/999999", cells(LOGIN, 403, 403, 404), note="unknown"),
    Route(
        "certificates.revoke",
        lambda w: f"/admin/certificates/{w.certificate.id}/revoke",
        ADMIN_ACTION,
        method="POST",
        data=lambda w: {"reason": "Plagiarism found in the final assignment."},
    ),
    Route(
        "certificates.reinstate",
        lambda w: f"/admin/certificates/{w.revoked_certificate.id}/reinstate",
        ADMIN_ACTION,
        method="POST",
    ),
    Route(
        "certificates.reissue",
        lambda w: f"/admin/certificates/{w.certificate.id}/reissue",
        ADMIN_ACTION,
        method="POST",
    ),
]

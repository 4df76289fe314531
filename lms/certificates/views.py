"""Learners' certificates, public verification, and the administrators' register.

Views stay thin: they load (or 404), check access through lms.policy, call a service or a
query and render or redirect; the request's unit of work commits (lms/unit_of_work.py).
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lms.certificates import (
    baking,
    bp,
    checking,
    codes,
    documents,
    queries,
    services,
    statuslist,
    vcjwt,
)
from lms.certificates import jobs as certificate_jobs
from lms.certificates.forms import (
    ACTION_LABELS,
    STATUS_LABELS,
    CredentialFileForm,
    NoteForm,
    RegisterFilterForm,
    RevokeForm,
    VerifyForm,
)
from lms.certificates.models import Certificate, CertificateStatus
from lms.csvexport import csv_response
from lms.database import paginate
from lms.errors import abort_with
from lms.extensions import db, limiter
from lms.i18n import language_direction
from lms.jobs import services as jobs
from lms.links import absolute_url
from lms.policy import admin_required, has_role, login_required, public
from lms.roles import Role
from lms.typography.coverage import UnprintableTextError
from lms.web import refusals_on


def _verify_limit() -> str:
    return current_app.config["VERIFY_RATE_LIMIT"]


verify_limit = limiter.shared_limit(_verify_limit, scope="certificate-verification")


# --- Learners -------------------------------------------------------------------------------


@bp.get("/certificates")
@login_required
def mine():
    return render_template(
        "certificates/mine.html", certificates=queries.certificates_of(current_user.id), labels=STATUS_LABELS
    )


def _own_or_admin(certificate_id: int) -> Certificate:
    """The certificate if it is the visitor's own or the visitor is an admin; 404 otherwise, so
    nobody learns which certificate numbers exist."""
    cert = db.get_or_404(Certificate, certificate_id)
    if cert.user_id != current_user.id and not has_role(current_user, Role.ADMIN):
        abort_with(404, _("There is no such certificate among yours."))
    return cert


@bp.get("/certificates/<int:certificate_id>.pdf")
@login_required
def download(certificate_id: int):
    cert = _own_or_admin(certificate_id)
    if cert.holder_withdrawn:
        abort_with(410, _("The holder has withdrawn their personal data: there is no certificate to print."))
    try:
        data = documents.certificate_pdf(cert)
    except UnprintableTextError as error:
        abort_with(
            409,
            _(
                "This certificate cannot be printed: the name contains %(chars)s, which no certificate "
                "font can print. Please correct your name in your account and ask the administrators "
                "to re-issue the certificate.",
                chars=" ".join(error.characters),
            ),
        )
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{documents.pdf_filename(cert)}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def course_page_certificate(course, _found: dict) -> dict:
    """The visitor's certificate for the course page (`lms.courses.add_course_page_context`), so
    that the page a learner lands on after completing a course links to the certificate."""
    if not current_user.is_authenticated:
        return {"certificate": None}
    return {"certificate": services.current_certificate(current_user.id, course.id)}


# --- Everyone: verification -------------------------------------------------------------------


@bp.get("/verify")
@public
@verify_limit
def verify():
    form = VerifyForm(request.args)
    if "code" not in request.args:
        return render_template("certificates/verify.html", form=form, file_form=CredentialFileForm())
    if form.validate():
        try:
            code = codes.normalise(form.code.data)
        except codes.MalformedCode as error:
            form.code.errors = [str(error)]
        else:
            return redirect(url_for("certificates.verify_code", code=code))
    return render_template("certificates/verify.html", form=form, file_form=CredentialFileForm()), 400


def _verified(raw: str, *, as_json: bool = False) -> Certificate:
    """The certificate for a typed code; 400 for a malformed code, 404 for an unknown one."""
    try:
        code = codes.normalise(raw)
    except codes.MalformedCode as error:
        if as_json:
            abort_with(400, str(error))
        form = VerifyForm(data={"code": raw})
        form.code.errors = [str(error)]
        abort_page = render_template("certificates/verify.html", form=form, file_form=CredentialFileForm())
        _abort_response(abort_page, 400)
    cert = queries.by_code(code)
    if cert is None:
        if as_json:
            abort_with(404, _("No certificate has this code."))
        _abort_response(render_template("certificates/unknown.html", code=code, form=VerifyForm()), 404)
    return cert


def _abort_response(body: str, status: int):
    from flask import abort

    abort(Response(body, status=status, mimetype="text/html"))


def _public_facts(cert: Certificate) -> dict:
    """What anyone may learn from a code: never the email or any other personal data."""
    successor = db.session.get(Certificate, cert.superseded_by_id) if cert.superseded_by_id else None
    return {
        "code": cert.code,
        "status": cert.status.value,
        "holder_name": cert.holder_name or None,
        "holder_withdrawn": cert.holder_withdrawn,
        "course_title": cert.course_title,
        "course_version": cert.course_version,
        "hours": cert.hours,
        "completed_on": cert.completed_at.date().isoformat(),
        "issued_on": cert.issued_at.date().isoformat(),
        "issuer": cert.issuer_name,
        "revoked_reason": cert.revoked_reason if cert.status is CertificateStatus.REVOKED else None,
        "superseded_by": successor.code if successor is not None else None,
        "verification_url": documents.verification_url(cert.code),
        "credential_url": documents.credential_url(cert.code),
        "credential_jwt_url": absolute_url("certificates.credential_jwt", code=cert.code),
        "badge_url": absolute_url("certificates.badge", code=cert.code),
    }


@bp.get("/verify/<code>")
@public
@verify_limit
def verify_code(code: str):
    cert = _verified(code)
    if cert.code != code:
        return redirect(url_for("certificates.verify_code", code=cert.code))
    return render_template(
        "certificates/verified.html", cert=cert, facts=_public_facts(cert), form=VerifyForm()
    )


@bp.get("/verify/<code>.json")
@public
@verify_limit
def verify_json(code: str):
    return jsonify(_public_facts(_verified(code, as_json=True)))


def _credential_certificate(code: str) -> Certificate:
    """The certificate whose credential is asked for; 410 once its holder withdrew their
    personal data (a credential without a holder says nothing)."""
    cert = _verified(code, as_json=True)
    if cert.holder_withdrawn:
        abort_with(410, _("The holder has withdrawn their personal data: there is no credential to show."))
    return cert


@bp.get("/verify/<code>/credential.json")
@public
@verify_limit
def credential(code: str):
    """The Open Badges 3.0 credential with its Data Integrity proof. A revoked or superseded
    certificate's credential is served too: its status list entry says so."""
    cert = _credential_certificate(code)
    response = jsonify(documents.signed_credential(cert))
    response.mimetype = "application/vc"
    response.headers["Content-Disposition"] = f'inline; filename="credential-{cert.code}.json"'
    return response


@bp.get("/verify/<code>/credential.jwt")
@public
@verify_limit
def credential_jwt(code: str):
    """The same credential as a VC-JOSE JWT."""
    cert = _credential_certificate(code)
    response = Response(documents.credential_jwt(cert), mimetype=vcjwt.MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'inline; filename="credential-{cert.code}.jwt"'
    return response


@bp.get("/verify/<code>/badge.png")
@public
@verify_limit
def badge(code: str):
    """The badge image with the signed credential baked in (Open Badges 3.0 baking), for the
    holder to add to a profile; like the credential, it is what the code already shows."""
    cert = _credential_certificate(code)
    image = (Path(current_app.static_folder) / "img" / "badge.png").read_bytes()
    data = baking.bake_png(image, documents.credential_bytes(cert).decode("utf-8"))
    response = Response(data, mimetype="image/png")
    response.headers["Content-Disposition"] = f'attachment; filename="badge-{cert.code}.png"'
    return response


@bp.post("/verify/file")
@public
@verify_limit
def verify_file():
    """Check an uploaded certificate PDF, badge or credential, offline from the file alone,
    then show what the register says now."""
    form = CredentialFileForm()
    if not form.validate_on_submit():
        return render_template("certificates/verify.html", form=VerifyForm(), file_form=form), 400
    upload = form.credential_file.data
    try:
        data = upload.read(current_app.config["CERTIFICATE_FILE_MAX_BYTES"] + 1)
    finally:
        upload.close()  # now: a large upload is a temporary file
    result = checking.check_file(data)
    status = 200 if result.outcome == checking.VALID else 413 if result.outcome == checking.TOO_LARGE else 400
    facts = _public_facts(result.certificate) if result.certificate is not None else None
    return render_template(
        "certificates/file_checked.html",
        result=result,
        facts=facts,
        form=VerifyForm(),
        file_form=CredentialFileForm(),
    ), status


@bp.get("/.well-known/lms-issuer.json")
@public
def issuer():
    """The issuer's keys as JWKs, for verifiers of the first credential format."""
    return jsonify(documents.issuer_profile())


def _public_document(document: dict, mimetype: str, max_age: int) -> Response:
    response = jsonify(document)
    response.mimetype = mimetype
    response.headers["Cache-Control"] = f"public, max-age={max_age}"
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/.well-known/did.json")
@bp.get("/did.json")
@public
def did_document():
    """The DID document of the issuer's did:web: every key that may have signed a credential.
    Served at both places a did:web resolver looks (the second for a site under a path)."""
    return _public_document(documents.did_document(), "application/did+ld+json", 3600)


@bp.get("/credentials/status/<int:list_number>")
@public
def status_list(list_number: int):
    """The signed Bitstring Status List credential: cacheable, as it changes only on a
    revocation, reinstatement or re-issue (then within CERTIFICATE_STATUS_MAX_AGE seconds)."""
    if list_number >= statuslist.MAX_LISTS:
        abort_with(404, _("There is no such status list."))
    return _public_document(
        documents.status_list_credential(list_number),
        "application/vc",
        current_app.config["CERTIFICATE_STATUS_MAX_AGE"],
    )


# --- Administrators ---------------------------------------------------------------------------


def _filter_form() -> tuple[RegisterFilterForm, queries.RegisterFilter | None]:
    form = RegisterFilterForm(request.args)
    form.course.choices = [("", _("Any course"))] + [
        (c.slug, c.title, {"lang": c.language, "dir": language_direction(c.language)})
        for c in queries.courses_with_certificates()
    ]
    if not form.validate():
        return form, None
    criteria = queries.RegisterFilter(
        course=form.course.data or "",
        since=form.since.data,
        until=form.until.data,
        country=(form.country.data or "").strip().upper(),
        gender=form.gender.data or "",
        status=form.status.data or "",
    )
    return form, criteria


def _filter_args(criteria: queries.RegisterFilter) -> dict:
    args = {
        "course": criteria.course,
        "since": criteria.since.isoformat() if criteria.since else "",
        "until": criteria.until.isoformat() if criteria.until else "",
        "country": criteria.country,
        "gender": criteria.gender,
        "status": criteria.status,
    }
    return {key: value for key, value in args.items() if value}


@bp.get("/admin/certificates")
@admin_required
def register():
    form, criteria = _filter_form()
    if criteria is None:
        return render_template("certificates/register.html", form=form, page=None, args={}), 400
    page = paginate(
        queries.register_query(criteria),
        per_page=current_app.config["CERTIFICATES_PER_PAGE"],
    )
    return render_template(
        "certificates/register.html", form=form, page=page, args=_filter_args(criteria), labels=STATUS_LABELS
    )


@bp.get("/admin/certificates.csv")
@admin_required
def register_csv():
    form, criteria = _filter_form()
    if criteria is None:
        abort_with(400, _("The filters are not valid: %(errors)s", errors=_form_errors(form)))
    rows = (queries.register_row(cert) for cert in queries.iter_register(criteria))
    return csv_response("certificates.csv", queries.REGISTER_HEADER, rows)


def _form_errors(form) -> str:
    return "; ".join(f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items())


@bp.post("/admin/certificates/export")
@admin_required
def export_zip():
    """Start the ZIP of the filtered certificates as a job (lms.jobs) and show its page."""
    form, criteria = _filter_form()
    if criteria is None:
        abort_with(400, _("The filters are not valid: %(errors)s", errors=_form_errors(form)))
    total = queries.count_register(criteria)
    if total == 0:
        flash(_("No certificate matches these filters, so there is nothing to export."), "warning")
        return redirect(url_for("certificates.register", **_filter_args(criteria)))
    job = jobs.start(
        certificate_jobs.ZIP.name, current_user, certificate_jobs.criteria_params(criteria), total=total
    )
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/admin/certificates/<int:certificate_id>")
@admin_required
def manage(certificate_id: int):
    cert = db.get_or_404(Certificate, certificate_id)
    return _manage_page(cert)


def _manage_page(cert: Certificate, revoke_form=None, note_form=None, status: int = 200):
    successor = db.session.get(Certificate, cert.superseded_by_id) if cert.superseded_by_id else None
    return render_template(
        "certificates/manage.html",
        cert=cert,
        successor=successor,
        history=queries.history(cert.id),
        revoke_form=revoke_form or RevokeForm(),
        note_form=note_form or NoteForm(),
        labels=STATUS_LABELS,
        action_labels=ACTION_LABELS,
    ), status


@bp.post("/admin/certificates/<int:certificate_id>/revoke")
@admin_required
def revoke(certificate_id: int):
    cert = db.get_or_404(Certificate, certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        with refusals_on(form):
            services.revoke(cert, form.reason.data, current_user)
            flash(_("The certificate has been revoked."), "success")
            return redirect(url_for("certificates.manage", certificate_id=cert.id))
    return _manage_page(cert, revoke_form=form, status=400)


@bp.post("/admin/certificates/<int:certificate_id>/reinstate")
@admin_required
def reinstate(certificate_id: int):
    cert = db.get_or_404(Certificate, certificate_id)
    form = NoteForm()
    if form.validate_on_submit():
        with refusals_on(form):
            services.reinstate(cert, current_user, form.reason.data or "")
            flash(_("The certificate is valid again."), "success")
            return redirect(url_for("certificates.manage", certificate_id=cert.id))
    return _manage_page(cert, note_form=form, status=400)


@bp.post("/admin/certificates/<int:certificate_id>/reissue")
@admin_required
def reissue(certificate_id: int):
    cert = db.get_or_404(Certificate, certificate_id)
    form = NoteForm()
    if form.validate_on_submit():
        with refusals_on(form):
            successor = services.reissue(cert, current_user, form.reason.data or "")
            flash(_("A new certificate has been issued; the old one now points to it."), "success")
            return redirect(url_for("certificates.manage", certificate_id=successor.id))
    return _manage_page(cert, note_form=form, status=400)

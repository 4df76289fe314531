"""Certificates: issued when a course is completed, printed as PDF in any script, verifiable by anyone."""

from pathlib import Path

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from lms.config import ConfigurationError
from lms.courses import add_course_page_context
from lms.learning.events import course_completed
from lms.roles import Role
from lms.web import add_navigation

bp = Blueprint("certificates", __name__)


def init_app(app: Flask) -> None:
    from lms.certificates import views  # noqa: F401  (here, not above: views register routes on bp)
    from lms.certificates.cli import certificates as certificates_cli
    from lms.certificates.jobs import ZIP
    from lms.certificates.keys import ensure_key
    from lms.certificates.services import on_course_completed
    from lms.jobs.services import register as register_job_kind

    data_dir = Path(app.instance_path)
    config = app.config
    config.setdefault("CERTIFICATE_ISSUER", config["SITE_NAME"])
    config.setdefault("CERTIFICATE_SIGNATORY", "")
    config.setdefault("CERTIFICATE_SIGNATORY_TITLE", "")
    config.setdefault("CERTIFICATE_LOGO", "")
    config.setdefault("CERTIFICATE_PAGE_SIZE", "A4")
    config.setdefault("CERTIFICATE_KEY_PATH", str(data_dir / "certificate-signing-key.pem"))
    config.setdefault("CERTIFICATE_STATUS_MAX_AGE", 300)
    config.setdefault("CERTIFICATE_FILE_MAX_BYTES", 5_000_000)
    config.setdefault("CERTIFICATES_PER_PAGE", 50)
    config.setdefault("VERIFY_RATE_LIMIT", "30 per minute")
    key_path = Path(config["CERTIFICATE_KEY_PATH"])
    try:
        ensure_key(key_path)  # at set-up, not at the first certificate: backups made before it hold the key
    except OSError as error:
        raise ConfigurationError(
            f"Cannot create the certificate signing key at {key_path}: {error.strerror}. "
            "Make its folder writable, or set CERTIFICATE_KEY_PATH."
        ) from None

    app.register_blueprint(bp)
    register_job_kind(ZIP)
    app.cli.add_command(certificates_cli)
    course_completed.connect(on_course_completed)  # connecting twice is a no-op
    add_course_page_context(views.course_page_certificate)
    add_navigation("certificates.mine", _l("My certificates"), Role.LEARNER)
    add_navigation("certificates.register", _l("Certificates"), Role.ADMIN)

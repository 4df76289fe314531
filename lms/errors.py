"""Styled error pages: a person who hits an error learns what happened and what to do next."""

from __future__ import annotations

from flask import Flask, g, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError, default_exceptions

from lms import database
from lms.extensions import db, login_manager

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please check what you sent and try again."),
    ),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (
        _l("Page not found"),
        _l("There is nothing at this address. It may have moved, or the link may be mistyped."),
    ),
    405: (_l("Method not allowed"), _l("This page cannot be used that way.")),
    409: (
        _l("Changed at the same moment"),
        _l(
            "Someone else changed the same thing at the same moment, so nothing was saved. Please go back, reload the page and try again."
        ),
    ),
    410: (_l("No longer here"), _l("What was at this address has been removed.")),
    413: (_l("Too large"), _l("What you sent is larger than this site accepts.")),
    429: (_l("Too many attempts"), _l("Please wait a minute before trying again.")),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error happened on our side. It has been logged; please try again later."),
    ),
    503: (
        _l("Try again in a moment"),
        _l(
            "The site cannot reach its database just now. Please try again in a moment; if you were sending a form, send it again."
        ),
    ),
}


class DomainError(ValueError):
    """A rule of the domain refused what was asked; the unit of work keeps nothing of the change.

    `str(error)` is the message for the person (already translated). `field` names the form field
    it belongs to, if any (`lms.web.refusals_on` shows it there). `status` is the status of the
    page shown when a view lets the error reach the handler: 400, or 409 for a change that
    collides with someone else's. Each domain raises its own subclass (AccountError, ...).
    """

    status = 400

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.field = field


class ConcurrentChange(DomainError):
    """Another request changed the same thing at the same moment and the database kept theirs
    (lms.unit_of_work.lost_race); nothing of this one was written."""

    status = 409


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
        return {"error": str(title), "detail": detail or str(message)}, code
    return render_template("errors/error.html", code=code, title=title, message=message, detail=detail), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(
            400,
            str(
                _l(
                    "The form had expired or was not sent from this site. Please go back, reload the page and try again."
                )
            ),
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):
        """The request named a host that is not this site's (TRUSTED_HOSTS, from BASE_URL). No URL
        can be built for it, so the page is self-contained and links to the real address."""
        message = _l("This site does not answer at the address you used.")
        if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
            return {"error": str(MESSAGES[400][0]), "detail": str(message)}, 400
        return render_template("errors/bad_host.html", message=message, base_url=app.config["BASE_URL"]), 400

    @app.errorhandler(DomainError)
    def refused(error: DomainError):
        """A service refused and the view let the refusal through: the page says why. The unit
        of work has already rolled the request's changes back."""
        return render_error(error.status, str(error) or None)

    @app.errorhandler(IntegrityError)
    def concurrent_change(error: IntegrityError):
        """Two requests raced for the same unique value (a double submit, two editors): the
        database refused the second. Nothing of it was written; say so instead of a 500."""
        db.session.rollback()
        app.logger.warning("Integrity conflict on %s %s", request.method, request.endpoint)
        return render_error(409)

    @app.errorhandler(SQLAlchemyError)
    def database_error(error: SQLAlchemyError):
        """An unreachable or overloaded database gets a 503 that says to come back, and a line in
        the log per outage (lms/database.py); any other database error is a bug: a 500."""
        if not database.is_unavailable(error):
            return unexpected_error(error)
        database.refused(error)
        database.discard_session()
        # The page must not read the database: show it as to a visitor who is not signed in
        # (the signed-in person's row may have been expired by the rollback).
        g._login_user = login_manager.anonymous_user()
        response = make_response(render_error(503))
        response.headers["Retry-After"] = str(database.RETRY_AFTER)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        detail = error.description if getattr(error, "show_detail", False) else None
        return render_error(error.code, detail)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        app.logger.exception("Unhandled error on %s %s", request.method, request.endpoint)
        db.session.rollback()
        return render_error(InternalServerError.code)


def abort_with(code: int, message: str):
    """Abort with a message the person should read (shown on the error page and in JSON)."""
    error = default_exceptions[code](message)
    error.show_detail = True
    raise error

"""HTTP response headers that every page carries."""

from __future__ import annotations

from flask import Flask, Response, g, request, session
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _signed_in() -> bool:
    """Whether the response was made for a signed-in person, without a database query (this runs
    after every response, also while the database is down): the user the view loaded, else
    what the session cookie claims."""
    if "_login_user" in g:  # Flask-Login's per-request user, once something asked for it
        return current_user.is_authenticated
    return "_user_id" in session


def init_app(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["HTTPS"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint != "static" and _signed_in():
            # Made for one signed-in person: no browser history, shared computer or proxy keeps a copy.
            headers["Cache-Control"] = "no-store"
        return response

"""Small pieces shared by every blueprint's views: the home page, language choice, navigation."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.security import safe_join

from lms import policy, unit_of_work
from lms.errors import DomainError
from lms.extensions import compress
from lms.i18n import LANGUAGE_COOKIE
from lms.policy import has_role, public
from lms.roles import Role

bp = Blueprint("web", __name__)


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    role: Role | None = None  # None: everyone, signed in or not


# Domains add their entries in their init_app; the order here is the order on screen.
NAVIGATION: list[NavItem] = []


def add_navigation(endpoint: str, label, role: Role | None = None) -> None:
    if all(item.endpoint != endpoint for item in NAVIGATION):
        NAVIGATION.append(NavItem(endpoint, label, role))


def main_navigation() -> list[dict]:
    """The header links this visitor may follow."""
    items = []
    for item in NAVIGATION:
        if item.role is not None and not has_role(current_user, item.role):
            continue
        url = url_for(item.endpoint)
        items.append({"url": url, "label": item.label, "current": request.path == url})
    return items


def safe_next(default: str) -> str:
    """A redirect target from `next`, kept on this site (no scheme, host or `//`)."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not target.startswith("//")
        and not parts.scheme
        and not parts.netloc
        and "\\" not in target
    ):
        return target
    return default


def form_error(form, error) -> None:
    """Attach a service error to its field, or to the form as a whole."""
    field = getattr(form, getattr(error, "field", None) or "", None)
    if field is not None:
        field.errors = list(field.errors) + [str(error)]
    else:
        form.form_errors.append(str(error))


@contextmanager
def refusals_on(form) -> Iterator[None]:
    """Show a service's refusal on the form that asked for the change:

        with refusals_on(form):
            services.change(...)
            return redirect(...)
        return render_template(..., form=form), 400

    A DomainError raised in the block undoes the request's changes (the form is re-rendered
    from the database as it was), lands on its field or the form, and the view goes on after
    the block. Other errors pass through."""
    try:
        yield
    except DomainError as error:
        unit_of_work.discard()
        form_error(form, error)


def refused(error: DomainError, target: str):
    """A refused button press (move, remove, enrol): undo the request's changes, say why on the
    page at `target`, and go there."""
    unit_of_work.discard()
    flash(str(error), "error")
    return redirect(target)


@bp.get("/")
@public
def home():
    return render_template("home.html")


@bp.post("/language")
@public
def choose_language():
    language = request.form.get("language", "")
    response = redirect(safe_next("/"))
    if language in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE,
            language,
            max_age=60 * 60 * 24 * 365,
            samesite="Lax",
            secure=current_app.config["HTTPS"],
            httponly=True,
        )
    return response


# --- static files and compression -------------------------------------------------------------

STATIC_MAX_AGE = 365 * 24 * 60 * 60  # a fingerprinted URL names one content forever
_fingerprints: dict[str, tuple[float, str]] = {}  # path -> (modification time, fingerprint)


def static_fingerprint(filename: str) -> str | None:
    """The first 12 hex digits of the SHA-256 of a static file (None if there is none), kept
    until the file changes. `url_for("static", ...)` adds it as `?v=`, so a new version of a
    file has a new URL and browsers may keep the old one for a year without asking."""
    path = safe_join(current_app.static_folder, filename)
    try:
        modified = os.stat(path).st_mtime if path else None
    except OSError:
        return None
    if modified is None:
        return None
    known = _fingerprints.get(path)
    if known is None or known[0] != modified:
        with open(path, "rb") as file:
            known = _fingerprints[path] = (modified, hashlib.sha256(file.read()).hexdigest()[:12])
    return known[1]


def _fingerprint_static_urls(endpoint: str, values: dict) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        fingerprint = static_fingerprint(values["filename"])
        if fingerprint:
            values["v"] = fingerprint


def _cache_static_files(response: Response) -> Response:
    """A static file asked for by its current fingerprint may be kept for a year untouched; any
    other request for it (no or an old fingerprint) revalidates, as before."""
    if request.endpoint == "static" and response.status_code == 200:
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args["v"] == static_fingerprint(filename):
            response.cache_control.public = True
            response.cache_control.max_age = STATIC_MAX_AGE
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
    return response


def init_app(app: Flask) -> None:
    policy.init_app(app)
    app.register_blueprint(bp)
    app.jinja_env.globals["main_navigation"] = main_navigation
    app.url_defaults(_fingerprint_static_urls)
    app.after_request(_cache_static_files)
    compress.init_app(app)  # gzip, Brotli or zstd for text of 500 bytes or more

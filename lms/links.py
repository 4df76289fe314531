"""Absolute links to this site, built from BASE_URL and nothing else.

A link that leaves the page (an email, a PDF, a QR code, a signed credential, a CLI export) must
point at the site even when the request that made it named another host: `url_for(...,
_external=True)` takes the scheme and host from the request, so a forged `Host` or
`X-Forwarded-Host` would be copied into a password-reset mail. Nothing in the code base uses
`_external=True`; it calls `absolute_url` (a test keeps it so).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app


def absolute_url(endpoint: str, **values) -> str:
    """`https://host[/root]/path` for `endpoint`, from BASE_URL; works in and outside requests."""
    app = current_app
    base = urlsplit(app.config["BASE_URL"])
    adapter = app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["absolute_url"] = absolute_url

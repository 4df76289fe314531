"""Accept images by what their bytes are, not what their name claims."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from lms.extensions import db
from lms.files import private_directory, write_private
from lms.media.models import MediaFile


class MediaError(ValueError):
    """The file cannot be accepted; the message says why."""


def sniff_image_type(data: bytes) -> str | None:
    """The MIME type of a PNG, JPEG, GIF or WebP image from its signature; None otherwise.
    SVG is deliberately absent: it can carry script."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def media_dir() -> Path:
    path = Path(current_app.config.get("MEDIA_DIR") or Path(current_app.instance_path) / "media")
    return private_directory(path)


def store_image(data: bytes) -> MediaFile:
    """Store the image (once per content) and return its record. Raises MediaError."""
    limit = current_app.config["MAX_IMAGE_BYTES"]
    if len(data) > limit:
        raise MediaError(_("Images can be at most %(size)s MB.", size=round(limit / 1_000_000, 1)))
    content_type = sniff_image_type(data)
    if content_type is None:
        raise MediaError(_("Only PNG, JPEG, GIF and WebP images are accepted."))
    digest = hashlib.sha256(data).hexdigest()
    existing = db.session.execute(select(MediaFile).where(MediaFile.sha256 == digest)).scalar_one_or_none()
    if existing is not None:
        return existing
    media = MediaFile(sha256=digest, content_type=content_type, size=len(data))
    path = media_dir() / media.filename
    if not path.exists():
        write_private(path, data)  # atomic (readers never see half a file), mode 0600
    db.session.add(media)
    db.session.flush()
    return media


def media_url(media: MediaFile) -> str:
    return f"/media/{media.filename}"

"""Accept images by what their bytes decode to, not what their name or first bytes claim."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from lms.extensions import db
from lms.files import private_directory, write_private
from lms.media.images import ImageRefused, clean_image, sniff_image_type
from lms.media.models import MediaFile

__all__ = ["MediaError", "media_dir", "media_url", "sniff_image_type", "store_image"]


class MediaError(ValueError):
    """The file cannot be accepted; the message says why."""


def media_dir() -> Path:
    path = Path(current_app.config.get("MEDIA_DIR") or Path(current_app.instance_path) / "media")
    return private_directory(path)


def store_image(data: bytes) -> MediaFile:
    """Store a clean copy of the image (see lms/media/images.py), once per content, and return
    its record. Raises MediaError.

    A file that is already a stored copy is that copy (re-encoding a JPEG again would change its
    bytes, so an exported course imported back would otherwise get new files)."""
    limit = current_app.config["MAX_IMAGE_BYTES"]
    if len(data) > limit:
        raise MediaError(_("Images can be at most %(size)s MB.", size=round(limit / 1_000_000, 1)))
    stored = _stored(hashlib.sha256(data).hexdigest())
    if stored is not None:
        return stored
    try:
        image = clean_image(data)
    except ImageRefused as error:
        raise MediaError(error.message()) from None
    digest = hashlib.sha256(image.data).hexdigest()
    stored = _stored(digest)
    if stored is not None:
        return stored
    media = MediaFile(sha256=digest, content_type=image.content_type, size=len(image.data))
    path = media_dir() / media.filename
    if not path.exists():
        write_private(path, image.data)  # atomic (readers never see half a file), mode 0600
    db.session.add(media)
    db.session.flush()
    return media


def _stored(digest: str) -> MediaFile | None:
    return db.session.execute(select(MediaFile).where(MediaFile.sha256 == digest)).scalar_one_or_none()


def media_url(media: MediaFile) -> str:
    return f"/media/{media.filename}"

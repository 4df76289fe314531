from __future__ import annotations

from flask import abort, send_from_directory
from sqlalchemy import select

from lms.extensions import db
from lms.media import bp
from lms.media.models import MediaFile
from lms.media.services import media_dir
from lms.policy import public


@bp.get("/media/<string:sha256>.<string:extension>")
@public
def image(sha256: str, extension: str):
    media = db.session.execute(select(MediaFile).where(MediaFile.sha256 == sha256)).scalar_one_or_none()
    if media is None or media.filename != f"{sha256}.{extension}":
        abort(404)
    response = send_from_directory(media_dir(), media.filename, mimetype=media.content_type, max_age=31536000)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response

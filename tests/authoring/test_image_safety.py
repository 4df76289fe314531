"""Images are decoded and re-encoded (lms/media/images.py): decompression bombs, polyglots and
undecodable files are refused with their reason, nothing is stored for them, and what is stored
carries no metadata (a phone photo's GPS position is gone). Every file is made here, in the test."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select

from lms.media.images import ImageRefused, clean_image
from lms.media.models import MediaFile
from tests.authoring.test_images_and_trainers import upload
from tests.content.trees import lesson, write_course

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def phone_photo() -> bytes:
    """A JPEG as a phone writes it: EXIF with a GPS position and 'rotate 90° clockwise'."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "S", (6.0, 10.0, 0.0), "E", (39.0, 12.0, 0.0)  # Zanzibar
    return encoded(Image.new("RGB", (40, 20), "teal"), "JPEG", exif=exif.tobytes())


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def bomb_png(side: int = 30_000) -> bytes:
    """A few KB that claim side x side pixels of one bit (a real bomb: zeros compress ~1000:1)."""
    rows = zlib.compress(b"\0" * (1 + side // 8) * 200, 9)
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def gif_javascript_polyglot() -> bytes:
    """A GIF whose logical width bytes open a JavaScript comment and whose trailer is followed by
    script: loaded with <script src=...> a browser that ignores the type would run alert(1)."""
    gif = bytearray(encoded(Image.new("P", (4, 4), 1), "GIF"))
    gif[6:8] = b"/*"
    return bytes(gif) + b"*/=alert(1);"


def stored_count(db) -> int:
    return db.session.execute(select(func.count()).select_from(MediaFile)).scalar_one()


def test_a_phone_photo_is_stored_without_its_gps_position_and_upright(app, db, editor, draft):
    photo = phone_photo()
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(GPS_IFD)  # the position is there
    response = upload(editor, photo, "holiday.jpg")
    assert response.status_code == 200
    media = db.session.execute(select(MediaFile)).scalar_one()
    with editor.get(f"/media/{media.filename}") as served:
        stored = served.get_data()
    assert hashlib.sha256(stored).hexdigest() == media.sha256 != hashlib.sha256(photo).hexdigest()
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (20, 40)  # the rotation was applied
    assert not image.getexif() and "exif" not in image.info
    assert b"PhoneMaker" not in stored and b"Exif" not in stored


def test_png_text_chunks_are_dropped_and_the_pixels_kept():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "GPS 6.1S 39.2E, taken at home")
    original = Image.new("RGBA", (3, 3), (10, 20, 30, 128))
    clean = clean_image(encoded(original, "PNG", pnginfo=info)).data
    assert b"tEXt" not in clean and b"GPS" not in clean
    assert Image.open(io.BytesIO(clean)).tobytes() == original.tobytes()


def test_a_decompression_bomb_is_refused_from_its_header(db, editor, draft):
    data = bomb_png()
    assert len(data) < 20_000
    response = upload(editor, data, "map.png")
    assert response.status_code == 400
    assert "The image has 900 million pixels; at most 25 million are accepted" in response.get_data(
        as_text=True
    )
    assert stored_count(db) == 0


@pytest.mark.parametrize(("side", "accepted"), [(100, True), (101, False)])
def test_the_pixel_limit_is_the_setting(side, accepted):
    data = encoded(Image.new("L", (side, side)), "PNG")
    if accepted:
        assert clean_image(data, max_pixels=10_000).width == side
    else:
        with pytest.raises(ImageRefused) as refused:
            clean_image(data, max_pixels=10_000)
        assert refused.value.code == "pixels"


def test_every_frame_of_an_animation_counts_towards_the_limit():
    frames = [Image.new("RGB", (100, 100), colour) for colour in ("red", "green", "blue")]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    assert clean_image(data, max_pixels=30_000).width == 100
    with pytest.raises(ImageRefused) as refused:
        clean_image(data, max_pixels=29_999)
    assert refused.value.code == "pixels"
    assert Image.open(io.BytesIO(clean_image(data).data)).n_frames == 3  # the animation survives


POLYGLOTS = {
    "GIF that is also JavaScript": (gif_javascript_polyglot, "trailing"),
    "PNG signature followed by HTML": (lambda: b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>", "active"),
    "PNG followed by HTML": (lambda: encoded(Image.new("RGB", (2, 2)), "PNG") + b"<!doctype html><p>hi", "active"),
    "PNG followed by other bytes": (lambda: encoded(Image.new("RGB", (2, 2)), "PNG") + b"PK\x03\x04zip", "trailing"),
    "GIF with a script in a comment": (
        lambda: encoded(Image.new("P", (2, 2)), "GIF", comment=b"<script>alert(1)</script>"), "active"),
    "WebP followed by HTML-free bytes": (lambda: encoded(Image.new("RGB", (2, 2)), "WEBP") + b"\0junk", "trailing"),
    "truncated PNG": (lambda: encoded(Image.new("RGB", (64, 64), "red"), "PNG")[:60], "broken"),
    "JPEG signature, then nothing": (lambda: b"\xff\xd8\xff\xe0" + b"\0" * 40, "broken"),
}  # fmt: skip


@pytest.mark.parametrize("name", POLYGLOTS)
def test_files_that_are_more_or_less_than_an_image_are_refused(name):
    make, code = POLYGLOTS[name]
    with pytest.raises(ImageRefused) as refused:
        clean_image(make())
    assert refused.value.code == code
    assert refused.value.message()


def test_an_uploaded_polyglot_is_refused_and_nothing_stored(db, editor, draft):
    response = upload(editor, gif_javascript_polyglot(), "funny.gif")
    assert response.status_code == 400
    assert "The file holds more than a GIF image" in response.get_data(as_text=True)
    assert stored_count(db) == 0


def test_a_course_file_image_that_is_a_polyglot_is_a_problem_at_its_line(runner, db, tmp_path):
    write_course(tmp_path, files={
        "01-start/02-tools.md": lesson("Tools", body="Text.\n\n![A diagram](images/diagram.gif)\n"),
        "01-start/images/diagram.png": None,
        "01-start/images/diagram.gif": gif_javascript_polyglot(),
    })  # fmt: skip
    result = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        "01-start/02-tools.md:8: image 'images/diagram.gif': The file holds more than a GIF image"
        in result.output
    )
    assert stored_count(db) == 0


def test_a_stored_copy_uploaded_again_is_the_same_file(db, editor, draft):
    upload(editor, phone_photo(), "a.jpg")
    media = db.session.execute(select(MediaFile)).scalar_one()
    with editor.get(f"/media/{media.filename}") as served:
        upload(editor, served.get_data(), "b.jpg")
    assert stored_count(db) == 1

"""Images are decoded, never trusted by their first bytes.

An upload is accepted only when Pillow decodes every pixel of it as the format its signature
claims, it has no more pixels than configured (a 30000 x 30000 PNG of a few KB would take
gigabytes to decode: the size is read from the header and refused before decoding), and it is
not also something else: a file carrying web-page or script text, or bytes after the image's own
end (a GIF that is also JavaScript, a PNG followed by HTML), is refused. What is stored is a copy
re-encoded by Pillow with no metadata: EXIF (with a phone's GPS position), XMP, comments and text
chunks are dropped; the colour profile is kept, and a photo's EXIF orientation is applied first.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

from flask import current_app, has_app_context
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

# MIME type -> Pillow format
FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
# Markers of HTML, SVG, PHP or a script URL, long enough not to occur by chance in compressed
# pixels (a 2 MB file holds a given 5-byte string with a chance of about 1 in 500,000).
ACTIVE_CONTENT = re.compile(
    rb"<(?:script|html|body|iframe|object|embed|svg[\s>]|!doctype|\?php)|javascript:", re.IGNORECASE
)
_BOMB_SIZE = re.compile(r"\((\d+) pixels\)")
ORIENTATION = 0x0112
DEFAULT_MAX_PIXELS = 25_000_000  # MAX_IMAGE_PIXELS when there is no application


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


class ImageRefused(ValueError):
    """The file is not an image this site stores; `code` says why, `message()` in words."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self) -> str:
        return _MESSAGES[self.code](**self.params)

    def __str__(self) -> str:
        return self.message()


_MESSAGES = {
    "type": lambda: _("Only PNG, JPEG, GIF and WebP images are accepted."),
    "broken": lambda kind: _(
        "The file starts like a %(kind)s image but cannot be decoded as one.", kind=kind
    ),
    "pixels": lambda megapixels, limit: _(
        "The image has %(megapixels)s million pixels; at most %(limit)s million are accepted: make it smaller.",
        megapixels=megapixels,
        limit=limit,
    ),  # fmt: skip
    "active": lambda: _("The image contains web-page or script code; it is refused."),
    "trailing": lambda kind: _(
        "The file holds more than a %(kind)s image (data after the image's end); it is refused.", kind=kind
    ),
}


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    width: int
    height: int


def clean_image(data: bytes, max_pixels: int | None = None) -> CleanImage:
    """Decode `data` completely and return a re-encoded copy without metadata.

    Raises ImageRefused: not a PNG/JPEG/GIF/WebP, undecodable, more than `max_pixels` (default:
    the MAX_IMAGE_PIXELS setting; all frames of an animation counted), or carrying something
    besides the image.
    """
    if max_pixels is None:
        max_pixels = current_app.config["MAX_IMAGE_PIXELS"] if has_app_context() else DEFAULT_MAX_PIXELS
    content_type = sniff_image_type(data)
    if content_type is None:
        raise ImageRefused("type")
    kind = FORMATS[content_type]
    if ACTIVE_CONTENT.search(data):
        raise ImageRefused("active")
    image = _open(data, kind, max_pixels)
    if _image_end(data, kind) not in (None, len(data)):
        raise ImageRefused("trailing", kind=kind)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            frames = _frames(image)
        clean = _encode(image, frames, kind)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise ImageRefused("broken", kind=kind) from None
    return CleanImage(clean, content_type, image.width, image.height)


def _open(data: bytes, kind: str, max_pixels: int) -> Image.Image:
    """The image with its header read (nothing decoded yet), or ImageRefused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
            frames = getattr(image, "n_frames", 1)
    except Image.DecompressionBombError as error:
        found = _BOMB_SIZE.search(str(error))
        pixels = int(found.group(1)) if found else max_pixels + 1
        raise ImageRefused("pixels", megapixels=_millions(pixels), limit=_millions(max_pixels)) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageRefused("broken", kind=kind) from None
    pixels = image.width * image.height * frames
    if pixels > max_pixels:
        raise ImageRefused("pixels", megapixels=_millions(pixels), limit=_millions(max_pixels))
    return image


def _millions(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".removesuffix(".0")


def _frames(image: Image.Image) -> list[Image.Image]:
    """Every frame, decoded (a truncated or corrupt file fails here)."""
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        image.load()
        frames.append(image.copy())
    image.seek(0)
    return frames


def _encode(image: Image.Image, frames: list[Image.Image], kind: str) -> bytes:
    """The pixels in the same format, with only what showing them needs."""
    out = io.BytesIO()
    options: dict = {}
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]
    first = frames[0]
    if kind == "JPEG":
        if image.getexif().get(ORIENTATION, 1) != 1:
            first = ImageOps.exif_transpose(first)
        first.save(out, "JPEG", quality=90, **options)
    elif kind == "PNG":
        if "transparency" in image.info:
            options["transparency"] = image.info["transparency"]
        first.save(out, "PNG", **options)
    elif kind == "GIF":
        for key in ("transparency", "duration", "loop", "disposal"):
            if key in image.info:
                options[key] = image.info[key]
        first.save(out, "GIF", save_all=len(frames) > 1, append_images=frames[1:], **options)
    else:
        first.save(out, "WEBP", quality=90, save_all=len(frames) > 1, append_images=frames[1:], **options)
    return out.getvalue()


def _image_end(data: bytes, kind: str) -> int | None:
    """Where the image's own structure ends (PNG after IEND, GIF after its trailer, WebP after
    its RIFF size), or None for JPEG (phones append data after its end; re-encoding drops it)."""
    if kind == "PNG":
        position = 8
        while position + 12 <= len(data):
            length = int.from_bytes(data[position : position + 4], "big")
            chunk = data[position + 4 : position + 8]
            position += 12 + length
            if chunk == b"IEND":
                return position
        return len(data)  # no IEND: decoding has already judged it
    if kind == "GIF":
        return _gif_end(data)
    if kind == "WEBP":
        size = int.from_bytes(data[4:8], "little")
        return 8 + size + (size & 1)
    return None


def _gif_end(data: bytes) -> int:
    """The position after the GIF trailer, walking its blocks (GIF89a specification)."""
    flags = data[10]
    position = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)

    def skip_sub_blocks(at: int) -> int:
        while at < len(data) and data[at]:
            at += data[at] + 1
        return at + 1

    while position < len(data):
        marker = data[position]
        if marker == 0x3B:
            return position + 1
        if marker == 0x21:
            position = skip_sub_blocks(position + 2)
        elif marker == 0x2C:
            local = data[position + 9] if position + 9 < len(data) else 0
            position += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0)
            position = skip_sub_blocks(position + 1)
        else:
            return position
    return len(data)

"""Images for the books: read through the resource gate, converted to what every reader shows.

E-readers show JPEG, PNG and GIF; WebP, AVIF, TIFF and the rest are converted (PNG where the
image has transparency or few colours, JPEG otherwise), and anything wider or taller than
``MAX_SIDE`` pixels is scaled down. Names inside the EPUB are stable: a hash of the bytes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from anthology.core.errors import BuildError
from anthology.core.limits import Limits
from anthology.resources import ResourceGate, ResourceRefused
from anthology.sources import image_problem

MAX_SIDE = 1600
KEEP = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}


@dataclass(frozen=True)
class PreparedImage:
    """An image ready for the EPUB: file name, media type, bytes and pixel size."""

    name: str
    media_type: str
    data: bytes
    width: int
    height: int


def prepare_image(
    path: Path, gate: ResourceGate, shown: str, limits: Limits | None = None
) -> PreparedImage:
    """Read, check and convert one image.

    Args:
        path: the image file.
        gate: the resource gate it is read through.
        shown: the name to show in messages (``sources/images/a.png``).
        limits: the edition's ``[limits]`` for images (the defaults when None).

    Raises:
        BuildError: the file is outside the edition, unreadable, not an image, or over the
            limits for an image (a decompression bomb is refused, never decoded).
    """
    from PIL import Image, UnidentifiedImageError

    limits = limits or Limits()
    try:
        resolved = gate.resolve(path.resolve().as_uri())
    except (ResourceRefused, OSError) as exc:
        raise BuildError(f"image cannot be used ({exc})", shown) from None
    problem = image_problem(resolved, limits)
    if problem:
        raise BuildError(problem, shown)
    try:
        raw = resolved.read_bytes()
    except OSError as exc:
        raise BuildError(f"image cannot be read ({exc.strerror})", shown) from None
    # Checked above against the edition's limit; Pillow's own guard would use another.
    Image.MAX_IMAGE_PIXELS = max(int(limits.image_megapixels * 1_000_000), 1)
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image.load()
            kind = image.format or ""
            scale = min(1.0, MAX_SIDE / max(image.size))
            if kind in KEEP and scale == 1.0:
                data, media_type, size = raw, KEEP[kind], image.size
            else:
                if scale < 1.0:
                    image = image.resize(
                        (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
                    )
                data, media_type = _encode(image)
                size = image.size
    except UnidentifiedImageError:
        raise BuildError("is not an image this tool can read (unknown format)", shown) from None
    except (Image.DecompressionBombError, OSError, ValueError, SyntaxError) as exc:
        reason = str(exc).split("\n")[0][:120] or exc.__class__.__name__
        raise BuildError(f"is not an image this tool can read ({reason})", shown) from None
    extension = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif"}[media_type]
    name = f"img-{hashlib.sha256(data).hexdigest()[:16]}.{extension}"
    return PreparedImage(name, media_type, data, size[0], size[1])


def _encode(image) -> tuple[bytes, str]:
    out = io.BytesIO()
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if transparent or image.mode in ("P", "1", "L") and len(image.getcolors(256) or []) <= 256:
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "image/png"
    image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    return out.getvalue(), "image/jpeg"

"""Units people write in book.toml: page sizes, PDF variants, sizes in bytes, lengths."""

from __future__ import annotations

import re

from anthology.core.limits import MB

# Trim sizes in millimetres (width, height).
PAGE_SIZES: dict[str, tuple[float, float]] = {
    "A5": (148, 210),
    "B-format": (129, 198),
    "Demy": (138, 216),
    "Royal": (156, 234),
    "US-trade": (152.4, 228.6),
    "A4": (210, 297),
    "Letter": (215.9, 279.4),
}
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/x-4", "pdf/x-1a", "none")


def parse_size(value: object) -> int | None:
    """Bytes from 52428800, "50 MB", "500 KB" or "1.5 GB"; None if it is not a size."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    if not isinstance(value, str):
        return None
    match = re.fullmatch(
        r"\s*(\d{1,9}(?:\.\d{1,6})?)\s*(bytes|b|kb|k|mb|m|gb|g)?\s*", value.lower()
    )
    if not match:
        return None
    scale = {"kb": 1024, "k": 1024, "mb": MB, "m": MB, "gb": 1024 * MB, "g": 1024 * MB}
    size = int(float(match.group(1)) * scale.get(match.group(2) or "b", 1))
    return size if size > 0 else None


def page_size_name(value: str) -> str | None:
    """The canonical name of a page size, accepting any case and spaces ("us trade")."""
    wanted = re.sub(r"[\s_]+", "-", value.strip()).casefold()
    return next((name for name in PAGE_SIZES if name.casefold() == wanted), None)


def parse_length_mm(value: object) -> float | None:
    """Millimetres from 3, 3.5, "3mm", "0.125in" or "9pt"; None if it is not a length."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str):
        return None
    match = re.fullmatch(r"\s*([\d.]+)\s*(mm|cm|in|pt)?\s*", value)
    if not match:
        return None
    try:
        number = float(match.group(1))
    except ValueError:
        return None
    return number * {"mm": 1, None: 1, "cm": 10, "in": 25.4, "pt": 25.4 / 72}[match.group(2)]


def paper_thickness_mm(value: object) -> float | None:
    """The thickness of one leaf: from a weight ("80gsm": about 0.1 mm) or a length in mm."""
    if isinstance(value, str) and (match := re.fullmatch(r"\s*(\d+)\s*gsm\s*", value.lower())):
        # Uncoated book wove: bulk about 1.25 cm³/g, so thickness ≈ weight × 1.25 µm.
        return int(match.group(1)) * 1.25 / 1000
    length = parse_length_mm(value)
    return length if length is not None and 0.03 <= length <= 0.5 else None

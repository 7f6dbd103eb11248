"""Text helpers every stage may use: book typography, slugs and TOML strings.

Typography for plain text: curly quotes, dashes, ellipses, non-breaking spaces, repairs.
Every typography function here is idempotent: applying it to its own output changes nothing.
"""

from __future__ import annotations

import html
import re
import unicodedata

NBSP = "\u00a0"
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
]
_MONTH = "|".join(MONTHS)

_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\u2002\u2003\u2009\u200a\u3000]+")
_ELLIPSIS = re.compile(r"\.(?:[ \u00a0]?\.){2}(?![ \u00a0]?\.)")
_DOUBLE_HYPHEN = re.compile(r"\s*(?<!-)--(?!-)\s*")
_SPACED_HYPHEN = re.compile(r"(?<=\S)[ \u00a0][-\u2013\u2014](?=[ \u00a0]\S)")
_YEAR_RANGE = re.compile(r"\b(1\d{3}|20\d{2})-(\d{2}|1\d{3}|20\d{2})\b(?!-)")
_DAY_RANGE = re.compile(rf"\b(\d{{1,2}})-(\d{{1,2}})(?=[ \u00a0](?:{_MONTH})\b)")
# A question mark between two lower-case letters is a character lost in an encoding round trip
# (most often a hyphen or dash): "counter?revolution".
_LOST_HYPHEN = re.compile(r"(?<=[a-z])\?(?=[a-z])")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}) ((?:{_MONTH})\b)")
_MONTH_DAY = re.compile(rf"\b((?:{_MONTH})) (\d{{1,2}})\b")
_INITIALS = re.compile(r"\b([A-Z]\.) (?=[A-Z][a-z]?\.? )")
_INITIAL_SURNAME = re.compile(r"\b([A-Z]\.) (?=[A-Z][a-z]{2,})")
_ABBREV = re.compile(r"\b(Mr|Mrs|Ms|Dr|St|No|pp?|vol|ch)\. (?=[\dA-Z])")


def strip_tags(fragment: str) -> str:
    """The text of an inline XHTML fragment."""
    return html.unescape(_TAG.sub("", fragment))


def smarten(text: str) -> str:
    """Apply book typography to a line of plain text (not HTML)."""
    text = _SPACES.sub(" ", text).strip()
    text = _LOST_HYPHEN.sub("-", text)
    text = _ELLIPSIS.sub("\u2026", text)
    text = _DOUBLE_HYPHEN.sub("\u2014", text)
    text = _SPACED_HYPHEN.sub(NBSP + "\u2013", text)
    text = _YEAR_RANGE.sub(lambda m: f"{m.group(1)}\u2013{m.group(2)}", text)
    text = _DAY_RANGE.sub(lambda m: f"{m.group(1)}\u2013{m.group(2)}", text)
    text = _quotes(text)
    text = _DAY_MONTH.sub(lambda m: f"{m.group(1)}{NBSP}{m.group(2)}", text)
    text = _MONTH_DAY.sub(lambda m: f"{m.group(1)}{NBSP}{m.group(2)}", text)
    text = _INITIALS.sub(lambda m: m.group(1) + NBSP, text)
    text = _INITIAL_SURNAME.sub(lambda m: m.group(1) + NBSP, text)
    text = _ABBREV.sub(lambda m: m.group(1) + "." + NBSP, text)
    return text


# Languages whose books set a spaced em dash between words (Russian "тире") where the house
# style for English sets a spaced en dash.
_EM_DASH_LANGUAGES = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg"})


def sets_em_dashes(language: str) -> bool:
    """Whether books in ``language`` set a spaced em dash where the house style sets an en."""
    return language.split("-")[0].lower() in _EM_DASH_LANGUAGES


def dashes_for(text: str, language: str) -> str:
    """``smarten``'s output (plain text or inline XHTML) with its spaced dashes set the way
    ``language``'s books set them: an em dash for Russian and its neighbours, else as it is."""
    if sets_em_dashes(language):
        return text.replace(NBSP + "\u2013 ", NBSP + "\u2014 ")
    return text


_OPENING_CONTEXT = set(" \u00a0([{\u2014\u2013-/\u201c\u2018\n\t")


def _quotes(text: str) -> str:
    """Turn straight quotes into curly ones by their context."""
    if '"' not in text and "'" not in text:
        return text
    out = []
    for i, ch in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if ch == '"':
            opening = before in _OPENING_CONTEXT and not after.isspace()
            out.append("\u201c" if opening else "\u201d")
        elif ch == "'":
            if before.isalnum() and (after.isalpha()):
                out.append("\u2019")  # apostrophe inside a word: don't, workers'
            elif before in _OPENING_CONTEXT and (after.isalnum() or after in '\u201c"…'):
                # 'soviets' opens; but '90s and 'em are elisions, which keep the apostrophe.
                out.append("\u2019" if re.match(r"\d\ds\b|em\b|tis\b", text[i + 1 :]) else "\u2018")
            else:
                out.append("\u2019")
        else:
            out.append(ch)
    return "".join(out)


def to_html(text: str) -> str:
    """Escape plain text for use as inline XHTML."""
    return html.escape(text, quote=False)


def slugify(text: str, limit: int = 0) -> str:
    """A lower-case ASCII slug: ``"Trotsky—the leader"`` → ``"trotsky-the-leader"``.

    With ``limit``, the slug is cut at a word boundary to at most that many characters.
    """
    spaced = re.sub(r"[\W_]+", " ", text)
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if limit and len(slug) > limit:
        cut = slug[: limit + 1].rsplit("-", 1)[0]
        slug = cut if cut else slug[:limit]
    return slug


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string, quotes included."""
    out = []
    for char in value:
        if char in '"\\':
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'

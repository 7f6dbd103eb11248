"""Text helpers every stage may use: book typography, slugs and TOML strings.

Typography for plain text: curly quotes, dashes, ellipses, non-breaking spaces, repairs.
Every typography function here is idempotent: applying it to its own output changes nothing.
"""

from __future__ import annotations

import html
import re
import tomllib
import unicodedata
from functools import cache
from importlib import resources

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
_DIGIT = re.compile(r"\d")  # what the day and month patterns need
_INITIAL = re.compile(r"[A-Z]\. [A-Z]")  # what the initials patterns need


def strip_tags(fragment: str) -> str:
    """The text of an inline XHTML fragment."""
    return html.unescape(_TAG.sub("", fragment))


def smarten(text: str, language: str = "") -> str:
    """Apply book typography to a line of plain text (not HTML).

    Without ``language`` the quotes and dashes are the house style's (English); with it they
    are set as books in that language set them (``localise``).
    """
    text = _SPACES.sub(" ", text).strip()
    # A pattern that needs what the line lacks (a "?", "--", "-", a digit, an initial) is not
    # run: looking for that first is much faster, and most lines lack it.
    if "?" in text:
        text = _LOST_HYPHEN.sub("-", text)
    text = _ELLIPSIS.sub("\u2026", text)
    if "--" in text:
        text = _DOUBLE_HYPHEN.sub("\u2014", text)
    text = _SPACED_HYPHEN.sub(NBSP + "\u2013", text)
    if "-" in text:
        text = _YEAR_RANGE.sub(lambda m: f"{m.group(1)}\u2013{m.group(2)}", text)
        text = _DAY_RANGE.sub(lambda m: f"{m.group(1)}\u2013{m.group(2)}", text)
    text = _quotes(text)
    if _DIGIT.search(text):
        text = _DAY_MONTH.sub(lambda m: f"{m.group(1)}{NBSP}{m.group(2)}", text)
        text = _MONTH_DAY.sub(lambda m: f"{m.group(1)}{NBSP}{m.group(2)}", text)
    if _INITIAL.search(text):
        text = _INITIALS.sub(lambda m: m.group(1) + NBSP, text)
        text = _INITIAL_SURNAME.sub(lambda m: m.group(1) + NBSP, text)
    text = _ABBREV.sub(lambda m: m.group(1) + "." + NBSP, text)
    return localise(text, language) if language else text


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


def _wide(char: str) -> bool:
    """Whether ``char`` is a full-width (CJK) character: scripts written without spaces."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _quotes(text: str) -> str:
    """Turn straight quotes into curly ones by their context."""
    if '"' not in text and "'" not in text:
        return text
    out = []
    open_double = False
    for i, ch in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if ch == '"':
            # Chinese and Japanese set no space before a quotation: after a full-width
            # character a quote opens unless one is already open.
            opening = (
                before in _OPENING_CONTEXT or (_wide(before) and not open_double)
            ) and not after.isspace()
            open_double = opening
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


# Quotation marks by language, from CLDR (quotes.toml, written by bench/cldr_quotes.py).
ENGLISH_QUOTES = ("\u201c", "\u201d", "\u2018", "\u2019")
# Chinese as written in Taiwan, Hong Kong and Macao is CLDR's zh-Hant.
_SCRIPT_OF_REGION = {"zh-TW": "zh-Hant", "zh-HK": "zh-Hant", "zh-MO": "zh-Hant"}


@cache
def _quote_table() -> dict[str, tuple[str, str, str, str]]:
    text = resources.files("anthology.core").joinpath("quotes.toml").read_text(encoding="utf-8")
    return {locale: tuple(marks) for locale, marks in tomllib.loads(text).items()}


def quote_marks(language: str) -> tuple[str, str, str, str]:
    """(outer open, outer close, inner open, inner close) for a BCP 47 ``language`` tag:
    ``de`` → „…“ and ‚…‘; English's when the language is not known."""
    table = _quote_table()
    subtags = language.replace("_", "-").split("-") if language else []
    if subtags:
        subtags[0] = subtags[0].lower()
        for i, tag in enumerate(subtags[1:], start=1):
            subtags[i] = tag.upper() if len(tag) == 2 else tag.title() if len(tag) == 4 else tag
        tag = "-".join(subtags[:2])
        subtags = _SCRIPT_OF_REGION.get(tag, tag).split("-") + subtags[2:]
    while subtags:
        marks = table.get("-".join(subtags))
        if marks:
            return marks
        subtags.pop()
    return ENGLISH_QUOTES


def _language_head(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
# French sets a no-break space inside « » and before : ; ! ? (a narrow one before ; ! ?).
NNBSP = "\u202f"
_FRENCH_AFTER_GUILLEMET = re.compile(r"«[ \u00a0\u2009\u202f]*")
_FRENCH_BEFORE_GUILLEMET = re.compile(r"[ \u00a0\u2009\u202f]*»")
_FRENCH_SPACED_MARK = re.compile(r"[ \u00a0\u2009\u202f]+([;!?])")
_FRENCH_BARE_MARK = re.compile(r"(?<=[^\W\d_]|[»)])([;!?]+)(?=[ \u00a0)»]|$)")
_FRENCH_COLON = re.compile(r"[ \u00a0\u2009\u202f]+:(?=[ \u00a0]|$)")


def needs_localising(language: str) -> bool:
    """Whether ``localise`` changes anything for ``language`` (English typography does not)."""
    head = _language_head(language)
    return bool(language) and (
        quote_marks(language) != ENGLISH_QUOTES or head == "fr" or sets_em_dashes(language)
    )


def localise(text: str, language: str) -> str:
    """House typography (``smarten``'s output, plain text or inline XHTML) set as books in
    ``language`` set it: its quotation marks (CLDR), French spacing, its dashes.

    Apply it once to a text: German's closing mark is English's opening one.
    """
    if not needs_localising(language):
        return text
    marks = quote_marks(language)
    french = _language_head(language) == "fr"
    pieces = _TAG_OR_TEXT.split(text)
    open_single = 0
    for index in range(0, len(pieces), 2):  # text between tags; tags stay as they are
        piece = pieces[index]
        if marks != ENGLISH_QUOTES and any(q in piece for q in ENGLISH_QUOTES):
            out = []
            for i, ch in enumerate(piece):
                if ch == "\u201c":
                    out.append(marks[0])
                elif ch == "\u201d":
                    out.append(marks[1])
                elif ch == "\u2018":
                    open_single += 1
                    out.append(marks[2])
                elif ch == "\u2019":
                    after = piece[i + 1] if i + 1 < len(piece) else " "
                    # A closing quote, not an apostrophe: a quote is open and no letter follows.
                    if open_single and not after.isalpha():
                        open_single -= 1
                        out.append(marks[3])
                    else:
                        out.append(ch)
                else:
                    out.append(ch)
            piece = "".join(out)
        if french:
            piece = _FRENCH_AFTER_GUILLEMET.sub("«" + NBSP, piece)
            piece = _FRENCH_BEFORE_GUILLEMET.sub(NBSP + "»", piece)
            piece = _FRENCH_SPACED_MARK.sub(lambda m: NNBSP + m.group(1), piece)
            piece = _FRENCH_BARE_MARK.sub(lambda m: NNBSP + m.group(1), piece)
            piece = _FRENCH_COLON.sub(NBSP + ":", piece)
        pieces[index] = piece
    return dashes_for("".join(pieces), language)


_RTL_LANGUAGES = frozenset(
    ["ar", "arc", "ckb", "dv", "fa", "he", "iw", "ji", "ks", "ps", "sd", "syr", "ug", "ur", "yi"]
)
_RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"})


def language_direction(language: str) -> str:
    """``"rtl"`` for a language written right to left (Arabic, Hebrew, Persian, Urdu …, or a
    tag naming such a script), else ``"ltr"``."""
    subtags = language.replace("_", "-").lower().split("-")
    if len(subtags) > 1 and len(subtags[1]) == 4:
        return "rtl" if subtags[1] in _RTL_SCRIPTS else "ltr"
    return "rtl" if subtags[0] in _RTL_LANGUAGES else "ltr"


def text_direction(text: str) -> str:
    """``"rtl"`` when most letters of ``text`` are of a right-to-left script, else ``"ltr"``."""
    letters = [c for c in text[:5000] if c.isalpha()]
    rtl = sum(unicodedata.bidirectional(c) in ("R", "AL") for c in letters)
    return "rtl" if letters and rtl > len(letters) / 2 else "ltr"


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

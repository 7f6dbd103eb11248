"""What paper needs that a screen does not, applied to a chapter's XHTML for the print edition.

- Links: paper cannot click. A link a reader would want keeps its text and gains a footnote
  with its address; link-farm labels (``[PubMed] [Google Scholar]``) and bare pointer words
  follow the policy in ``rules/links.toml``.
- Code: wrapped at build time to the measure, each continued line marked (CSS cannot mark the
  lines ``pre-wrap`` breaks).
- Formulas: WeasyPrint does not lay out MathML; a formula prints as its text.
- Citation numbers (``[12]``, ``[3, 4]``) never break across a line.
- Numbered lists that start elsewhere than 1, or count down, say so in a way WeasyPrint reads
  (it ignores ``start`` and ``reversed``).
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Columns a line of code may take on the narrowest measure the print looks set at (an A5 page,
# code at 0.8 of the text size); ``pre-wrap`` still breaks, unmarked, what a narrower page cuts.
CODE_COLUMNS = 60


@dataclass(frozen=True)
class LinkPolicy:
    """The print edition's link rules (``rules/links.toml``)."""

    drop: frozenset[str]  # labels left out when they stand on their own
    text_only: frozenset[str]  # labels that keep their text, without a note
    note_address_text: bool  # a link whose text is its address gets a note
    note_repeats: bool  # a chapter's second link to the same address gets a note


@cache
def link_policy() -> LinkPolicy:
    """The package's link policy, read once."""
    data = tomllib.loads(
        resources.files("anthology.render").joinpath("rules/links.toml").read_text("utf-8")
    )
    drop, text = set(), set()
    for entry in data.get("label", []):
        target = drop if entry["action"] == "drop" else text
        target.update(_label_key(t) for t in entry["texts"])
    return LinkPolicy(
        frozenset(drop),
        frozenset(text),
        bool(data.get("address_as_text", {}).get("footnote", False)),
        bool(data.get("repeated", {}).get("footnote", False)),
    )


def _label_key(text: str) -> str:
    return re.sub(r"[\s\u00a0\[\]()]+", " ", text).strip().casefold()


_LINK = re.compile(r'<a href="((?:https?|mailto):[^"]*)">(.*?)</a>', re.S)
# A run of links standing together, each perhaps in brackets, between separators (a comma or
# full stop after the run is the sentence's, and stays).
_ITEM = (
    r'[ \u00a0]*[\[(]?[ \u00a0]*<a href="(?:https?|mailto):[^"]*">[^<]{1,60}</a>'
    r"[ \u00a0]*[\])]?"
)
_RUN = re.compile(rf"{_ITEM}(?:[,;|/\u00b7]?{_ITEM})*")


def links_as_notes(body: str, policy: LinkPolicy | None = None) -> str:
    """Each external link a reader would want keeps its text and gains a footnote with its URL;
    link-farm labels standing on their own go, pointer words keep their text only."""
    policy = policy or link_policy()

    def run(match: re.Match[str]) -> str:
        links = _LINK.findall(match.group())
        labels = [_label_key(html.unescape(re.sub(r"<[^>]*>", "", t))) for _, t in links]
        if not all(label in policy.drop for label in labels):
            return match.group()
        bracketed = match.group().count("[") + match.group().count("(") >= len(links)
        if len(links) >= 2 or bracketed:
            return ""  # "[PubMed] [Google Scholar]" after a reference: nothing to print
        return match.group()

    body = _RUN.sub(run, body)
    noted: set[str] = set()

    def note(match: re.Match[str]) -> str:
        url, text = match.group(1), match.group(2)
        label = _label_key(html.unescape(re.sub(r"<[^>]*>", "", text)))
        shown = url.removeprefix("mailto:")
        if label in policy.drop or label in policy.text_only:
            return text
        if not policy.note_address_text and _is_address(label, url):
            return f'<span class="address">{text}</span>'
        if not policy.note_repeats and url in noted:
            return f'<a class="external-link" href="{url}">{text}</a>'
        noted.add(url)
        return (
            f'<a class="external-link" href="{url}">{text}</a>'
            f'<span class="link-note">{shown}</span>'
        )

    return _LINK.sub(note, body)


def _is_address(label: str, url: str) -> bool:
    """Whether a link's text is its own address (with or without the scheme, "www." or a
    trailing slash)."""

    def bare(value: str) -> str:
        value = html.unescape(value).casefold()
        value = re.sub(r"^(?:https?://|mailto:)", "", value)
        return value.removeprefix("www.").rstrip("/")

    return bool(label) and bare(label) == bare(url)


_CODE = re.compile(r'(<pre class="code"><code[^>]*>)(.*?)(</code></pre>)', re.S)


def wrap_code(body: str, columns: int = CODE_COLUMNS) -> str:
    """Code blocks with each line longer than ``columns`` broken; a continued line keeps the
    line's indentation and starts with a mark (generated content, so that the page map counts
    the same characters as in the EPUB)."""

    def wrap(match: re.Match[str]) -> str:
        text = html.unescape(match.group(2))
        lines = []
        for line in text.split("\n"):
            line = line.expandtabs(4)
            indent = line[: min(len(line) - len(line.lstrip(" ")), columns // 2)]
            pieces = _wrap_line(line, columns, len(indent) + 2)
            lines.append(html.escape(pieces[0], quote=False))
            lines.extend(
                f'{indent}<span class="code-continued"></span>' + html.escape(piece, quote=False)
                for piece in pieces[1:]
            )
        return match.group(1) + "\n".join(lines) + match.group(3)

    return _CODE.sub(wrap, body)


def _wrap_line(line: str, columns: int, lead: int) -> list[str]:
    """A line in pieces of at most ``columns`` (continuations ``lead`` columns shorter, for the
    indentation and the mark), broken after a space or punctuation in the last third."""
    pieces = []
    width = columns
    while len(line) > width:
        cut = max(line.rfind(c, width * 2 // 3, width) for c in " ,;)]}>.")
        cut = cut + 1 if cut > 0 else width
        pieces.append(line[:cut])
        line = line[cut:]
        width = columns - lead
    pieces.append(line)
    return pieces


_MATH = re.compile(r'<math [^>]*?alttext="([^"]*)"[^>]*>.*?</math>', re.S)


def math_as_text(body: str) -> str:
    """Each formula as its text (TeX or the formula's characters), in the monospace face.

    The text is generated content, as the continuation marks are: the page map counts only the
    text both editions hold (the EPUB's MathML is not counted either).
    """
    return _MATH.sub(lambda m: f'<code class="math-text" data-text="{m.group(1)}"></code>', body)


_CITATION = re.compile(r"\[\d{1,4}(?:[,\u2013\u2014-][ \u00a0]?\d{1,4})*\]")
_TAGS = re.compile(r"(<[^>]*>)")


def keep_citations_whole(body: str) -> str:
    """Citation numbers in running text held on one line."""
    parts = _TAGS.split(body)
    for n in range(0, len(parts), 2):  # the text between tags
        parts[n] = _CITATION.sub(lambda m: f'<span class="citation">{m.group()}</span>', parts[n])
    return "".join(parts)


_NUMBERED = re.compile(r'<ol start="(-?\d+)"( reversed="reversed")?>|<ol reversed="reversed">')


def number_lists(body: str) -> str:
    """Each ``<ol>`` with a ``start`` (the model always gives one to a list counting down) sets
    its counter so that its first item bears that number."""

    def counter(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group()
        start, down = int(match.group(1)), bool(match.group(2))
        reset = start + 1 if down else start - 1
        kind = ' class="count-down"' if down else ""
        return f'{match.group()[:-1]}{kind} style="counter-reset: list-item {reset}">'

    return _NUMBERED.sub(counter, body)


def for_print(body: str) -> str:
    """A chapter's XHTML as the print edition sets it."""
    return number_lists(keep_citations_whole(links_as_notes(wrap_code(math_as_text(body)))))

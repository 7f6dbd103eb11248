"""Inline XHTML as the walker writes it: typography across text nodes, spaces, line breaks."""

from __future__ import annotations

import html
import re

from anthology.clean.html.tree import XML_FORBIDDEN
from anthology.core.text import smarten


def smarten_piece(raw: str, before: str, after: str, language: str = "") -> str:
    """Smarten a text node, keeping its edge spaces, with the neighbouring characters as context.

    Without ``language`` the marks are the house style's; assembly sets them in the chapter's
    language once it is known (``core.text.localise``)."""
    raw = XML_FORBIDDEN.sub("", raw)
    if not raw:
        return ""
    core = raw.strip(" \u00a0")
    if not core:
        return "\u00a0" if "\u00a0" in raw else " "
    # An edge space stays (the neighbouring element's word needs it), a no-break one as such:
    # "reprinted on&nbsp;</i><a>Wired.com" must not read "reprinted onWired.com".
    lead = _edge_space(raw[: len(raw) - len(raw.lstrip(" \u00a0"))])
    trail = _edge_space(raw[len(raw.rstrip(" \u00a0")) :])
    if lead:
        before = " "
    if trail:
        after = " "
    # Quotes are curled by their neighbours, which may sit across a tag ("<em>yes</em>" -- ):
    # smarten with the neighbouring characters attached, then take them off again.
    prefix = before if core[0] in "\"'" and before and not before.isspace() else ""
    suffix = after if core[-1] in "\"'" and after and not after.isspace() else ""
    text = smarten(core, language)
    if prefix or suffix:
        probe = smarten(prefix + core + suffix, language)
        if (
            probe.startswith(prefix)
            and probe.endswith(suffix)
            and len(probe) > len(prefix + suffix)
        ):
            text = probe[len(prefix) : len(probe) - len(suffix)]
    return lead + text + trail


SPACE_RUN = re.compile(r"[ \u00a0]{2,}")
# A no-break space that a tag separates from a space: "two&nbsp;</b> <em>" is one space.
NBSP_BY_SPACE = re.compile(r"\u00a0((?:</[a-z]+>)+ )|( (?:<[a-z][^>]*>)+)\u00a0")


def _edge_space(run: str) -> str:
    """The one space a run of spaces at a text node's edge becomes: no-break if any was."""
    return "\u00a0" if "\u00a0" in run else " " if run else ""


_INLINE_TAG = re.compile(r"<(/?)([a-z]+)[^>]*?(/?)>")


def split_at_double_breaks(inline: str) -> list[str]:
    """Cut inline XHTML at each run of two or more ``<br/>`` that lies outside any element."""
    runs: list[list[int]] = []  # [start, end, how many breaks] of each run of top-level breaks
    depth = 0
    for match in _INLINE_TAG.finditer(inline):
        closing, name, empty = match.groups()
        if name == "br" and depth == 0:
            if runs and runs[-1][1] == match.start():
                runs[-1][1:] = [match.end(), runs[-1][2] + 1]
            else:
                runs.append([match.start(), match.end(), 1])
        elif closing:
            depth = max(0, depth - 1)
        elif not empty:
            depth += 1
    cuts = [(start, end) for start, end, count in runs if count >= 2]
    pieces, position = [], 0
    for start, end in cuts:
        pieces.append(inline[position:start])
        position = end
    pieces.append(inline[position:])
    return pieces


def trim_breaks(inline: str) -> str:
    """Inline XHTML without the line breaks at its ends."""
    inline = inline.strip()
    while inline.startswith("<br/>"):
        inline = inline[5:].lstrip()
    while inline.endswith("<br/>"):
        inline = inline[:-5].rstrip()
    return inline


def inline_text(inline: str) -> str:
    """The plain text of inline XHTML (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]*>", "", inline)).strip()


def same_text(a: str, b: str) -> bool:
    """Whether two texts are the same, ignoring case, punctuation and spacing."""

    def norm(s: str) -> str:
        return re.sub(r"\W+", " ", s).strip().casefold()

    return bool(a and b) and norm(a) == norm(b)


# Literal text inside running text, never typographed: web addresses (with a scheme, or starting
# "www."), e-mail addresses. A trailing full stop, comma or closing bracket is the sentence's.
LITERAL = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'\u201c\u201d\u2018\u2019]+"
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b",
    re.I,
)
_LITERAL_TAIL = re.compile(r"[.,;:!?)\]]+$")


def smarten_literal_aware(raw: str, before: str, after: str) -> str:
    """``smarten_piece`` for a text node that may hold addresses: those stay as written."""
    spans = []
    for match in LITERAL.finditer(raw):
        tail = _LITERAL_TAIL.search(match.group())
        end = match.end() - (len(tail.group()) if tail else 0)
        if end > match.start():
            spans.append((match.start(), end))
    if not spans:
        return smarten_piece(raw, before, after)
    out, position = [], 0
    for start, end in spans:
        if start > position:
            previous = raw[position - 1] if position else before
            out.append(smarten_piece(raw[position:start], previous, raw[start]))
        out.append(XML_FORBIDDEN.sub("", raw[start:end]))
        position = end
    if position < len(raw):
        out.append(smarten_piece(raw[position:], raw[position - 1], after))
    return "".join(out)

"""Inline XHTML as the walker writes it: typography across text nodes, spaces, line breaks."""

from __future__ import annotations

import html
import re

from anthology.clean.html.tree import XML_FORBIDDEN
from anthology.core.text import smarten

_DASHES = "-\u2013\u2014"
_DASH_CHARS = tuple(_DASHES)


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
    # Quotes are curled by their neighbours, which may sit across a tag ("<em>yes</em>" -- ):
    # smarten with the neighbouring characters attached, then take them off again. A spaced
    # dash at the node's edge is set by the word across the tag too ("<a>workers'.</a> — the"
    # reads as "workers'. — the" does), with the space between them, which it may change.
    prefix = suffix = ""
    if lead and core[0] in _DASHES and before and not before.isspace():
        prefix, lead = before + lead, ""
    elif not lead and core[0] in "\"'" and before and not before.isspace():
        prefix = before
    if trail and core[-1] in _DASHES and after and not after.isspace():
        suffix, trail = trail + after, ""
    elif not trail and core[-1] in "\"'" and after and not after.isspace():
        suffix = after
    text = smarten(core, language)
    if prefix or suffix:
        # the context characters themselves (a dash's space is not context: it may change)
        left, right = prefix[:1], suffix[-1:]
        probe = smarten(prefix + core + suffix, language)
        if probe.startswith(left) and probe.endswith(right) and len(probe) > len(left + right):
            text = probe[len(left) : len(probe) - len(right)]
        else:  # the context did not hold: the node's own spaces stay as they were
            text = (prefix[1:] if len(prefix) > 1 else "") + text
            text += suffix[:-1] if len(suffix) > 1 else ""
    return lead + text + trail


_TAG_PIECE = re.compile(r"(?:</?(?!br\b)[a-z]+[^>]*>)*")


def spaces_to_dashes(texts: list[tuple[int, str]], pieces: list[str]) -> list[tuple[int, str]]:
    """The raw text nodes of one paragraph, with a space at a tag's edge moved to the dash it
    spaces: "the. <span>— the</span>" is set as "the.<span> — the</span>" is, so the dash is
    spaced as in the same words without the tag (``smarten_piece`` sets a dash with its
    neighbour's word). Only across inline tags; a line break stays where it is."""
    out = list(texts)
    for n in range(1, len(out)):
        (i, left), (j, right) = out[n - 1], out[n]
        if not _TAG_PIECE.fullmatch("".join(pieces[i + 1 : j])):
            continue
        left_core, right_core = left.rstrip(" "), right.lstrip(" ")
        if left_core != left and right_core == right and right[:1] in _DASH_CHARS:
            out[n - 1], out[n] = (i, left_core), (j, left[len(left_core) :] + right)
        elif right_core != right and left_core == left and left[-1:] in _DASH_CHARS:
            out[n - 1], out[n] = (i, left + right[: len(right) - len(right_core)]), (j, right_core)
    return out


def neighbours(flat: list[str]) -> list[tuple[str, str]]:
    """For each text node, the last character before it and the first after it (empty nodes
    skipped: a space moved away leaves one)."""
    before, last = [], ""
    for text in flat:
        before.append(last)
        last = text[-1:] or last
    after, first = [], ""
    for text in reversed(flat):
        after.append(first)
        first = text[:1] or first
    return list(zip(before, reversed(after), strict=True))


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

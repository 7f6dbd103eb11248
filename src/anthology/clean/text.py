"""Clean a text dump of a web page (what "select all, copy" or a scraper gives) into an Article.

A dump is a sequence of lines: site furniture at the head (banners, share bars, issue numbers),
the article's own head (kicker, title, standfirst, byline, date), the article's paragraphs and
section headings, and more furniture at the foot (appeals, related links, archives, contacts).
The rules here are structural, so they carry over to sites never seen: furniture phrases (data in
``rules/boilerplate.toml``) only ever remove short lines; repeated lines are captions and teasers;
runs of short lines without sentence punctuation are link lists; the article starts at its first
paragraph of prose and ends at its last one before a tail marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from anthology.clean.metadata import parse_date, short_title
from anthology.clean.rules import Rules, default_rules
from anthology.core.errors import SourceError
from anthology.core.model import Article, Block, Dropped, Heading, ListBlock, Paragraph, Quote
from anthology.core.text import smarten, to_html
from anthology.sources import Page

# A line ends like a sentence: terminal punctuation, then closing quotes or brackets.
_WORD_BREAK = re.compile(r"[\s\u2013\u2014]+|--")
_SENTENCE_END = re.compile(r"[.!?\u2026:;][\u201d\u2019\"')\]]*$")
_CLOSED_SENTENCE = re.compile(r"[.!?\u2026][\u201d\u2019\"')\]]*$")
_BULLET = re.compile(r"^(?:[\u2022\u25aa\u25cf\u2023\u2043*\u00b7]|-(?= ))\s+")
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+(?=\S)")
_NAME_WORD = re.compile(r"^(?:[A-Z\u0410-\u042f][\w\u2019'.\-]*|de|da|van|von|der|bin|al|la|le)$")
_DATELINE = re.compile(
    r"^(?:from|published in|first published in)\s+(?P<pub>.+?)(?:\s+(?:newspaper|magazine|website|"
    r"journal))?,\s*(?P<date>.*\d{4}.*)$",
    re.I,
)
_SUBMITTED = re.compile(
    r"^(?:submitted|posted|written|published)\s+by\s+(?P<name>.+?)\s+on\s+(?P<date>.+)$", re.I
)
_BY = re.compile(r"^[Bb]y\s+(?P<name>[A-Z][^.!?]{1,60})$")

MIN_PROSE_WORDS = 12
HEADING_MAX_CHARS = 90
HEADING_MAX_WORDS = 12
LINK_RUN = 3  # this many short non-sentence lines in a row inside the body are a link list


@dataclass
class _Line:
    text: str
    dropped: str = ""  # the reason it was dropped, or "" while kept


def clean_text(page: Page, rules: Rules | None = None) -> Article:
    """Clean a text-dump ``Page`` into an ``Article``.

    Raises:
        SourceError: no article text can be found in the page.
    """
    rules = rules or default_rules()
    lines = [_Line(t) for t in _logical_lines(page.text)]
    _mark_furniture(lines, rules)
    _mark_repeats(lines)
    _mark_teasers(lines)
    start = _body_start(lines)
    if start is not None:
        _mark_head_navigation(lines[:start])
    if start is None:
        raise SourceError("no article text found (no paragraph of prose on the page)", page.shown)
    end = _body_end(lines, start, rules)
    head = _read_head(lines[:start])
    body = _read_body(lines[start : end + 1])
    for line in lines[end + 1 :]:
        if not line.dropped:
            line.dropped = "after the article's end"
    if not body:
        raise SourceError("no article text found after cleaning", page.shown)
    return Article(
        source=page.name,
        title=head.get("title") or _title_from_name(page.name),
        kicker=head.get("kicker", ""),
        standfirst=head.get("standfirst", ""),
        byline=head.get("byline", ""),
        date=head.get("date"),
        publication=head.get("publication", ""),
        body=tuple(body),
        dropped=tuple(Dropped(line.text, line.dropped) for line in lines if line.dropped),
    )


def _logical_lines(text: str) -> list[str]:
    """Non-empty lines with spaces collapsed; hard-wrapped paragraphs are joined back."""
    lines: list[str] = []
    for block in re.split(r"\n[ \t\u00a0]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        raw = [" ".join(x.split()) for x in block.split("\n")]
        raw = [x for x in raw if x]
        if _is_hard_wrapped(raw):
            lines.append(" ".join(raw))
        else:
            lines.extend(raw)
    return lines


def _is_hard_wrapped(raw: list[str]) -> bool:
    # Text wrapped at a fixed width: three or more lines, all but the last of similar length,
    # continuing mid-sentence.
    if len(raw) < 3:
        return False
    widths = [len(x) for x in raw[:-1]]
    return (
        min(widths) >= 50
        and max(widths) <= 100
        and max(widths) - min(widths) <= 20
        and not any(_CLOSED_SENTENCE.search(x) and len(x) < min(widths) for x in raw[:-1])
    )


def _mark_furniture(lines: list[_Line], rules: Rules) -> None:
    for line in lines:
        if rules.furniture.matches(line.text):
            line.dropped = "furniture"
        elif rules.series_note.matches(line.text):
            line.dropped = "series note"


def _mark_repeats(lines: list[_Line]) -> None:
    """Lines that occur twice are captions, teasers or navigation: short ones go entirely."""
    seen: dict[str, int] = {}
    counts: dict[str, int] = {}
    for line in lines:
        key = line.text.casefold()
        counts[key] = counts.get(key, 0) + 1
    for index, line in enumerate(lines):
        key = line.text.casefold()
        if counts[key] > 1:
            if len(line.text) < 160 or key in seen:
                line.dropped = line.dropped or "repeated line (caption, teaser or navigation)"
            seen[key] = index
    # A caption and its copy with a suffix: "… image" then "… image (Click to enlarge)".
    for a, b in zip(lines, lines[1:], strict=False):
        if len(a.text) >= 20 and b.text.startswith(a.text) and len(b.text) - len(a.text) < 40:
            a.dropped = a.dropped or "duplicated caption"
            b.dropped = b.dropped or "duplicated caption"


def _mark_teasers(lines: list[_Line]) -> None:
    """The headline or two just above a dropped "Read more" link belong to the teaser."""
    for index, line in enumerate(lines):
        if line.dropped and re.search(r"read more\W*$", line.text, re.I):
            for prior in lines[max(0, index - 2) : index]:
                if not _is_prose(prior.text):
                    prior.dropped = prior.dropped or "teaser link"


def _mark_head_navigation(head: list[_Line]) -> None:
    """Above the article, a run of one- and two-word lines is the site's menu."""
    run: list[_Line] = []
    for line in [*head, _Line("end of the head")]:
        if not line.dropped and len(line.text.split()) <= 2 and not parse_date(line.text):
            run.append(line)
            continue
        if line.dropped and run:
            continue  # furniture already dropped inside the menu does not end it
        if len(run) >= LINK_RUN:
            for item in run:
                item.dropped = "navigation (a run of one- and two-word lines)"
        run = []


def _is_prose(text: str) -> bool:
    # Counted alike before and after typography: "a -- b" and "a—b" are two words.
    words = sum(1 for word in _WORD_BREAK.split(text) if any(c.isalnum() for c in word))
    return words >= MIN_PROSE_WORDS and bool(_SENTENCE_END.search(text))


def _body_start(lines: list[_Line]) -> int | None:
    for index, line in enumerate(lines):
        if not line.dropped and _is_prose(line.text):
            return index
    return None


def _body_end(lines: list[_Line], start: int, rules: Rules) -> int:
    """The index of the article's last line: before the first tail marker, at the last prose."""
    prose = [len(line.text) if _is_prose(line.text) and not line.dropped else 0 for line in lines]
    cut = len(lines)
    for index in range(start + 1, len(lines)):
        text = lines[index].text
        if len(text) <= 80 and rules.tail.matches(text):
            before, after = sum(prose[start:index]), sum(prose[index:])
            if before >= after:
                cut = index
                for line in lines[index:]:
                    line.dropped = line.dropped or "after the article's end (tail marker)"
                break
    end = start
    for index in range(start, cut):
        if not lines[index].dropped and _is_prose(lines[index].text):
            end = index
    return end


def _read_head(lines: list[_Line]) -> dict:
    """Title, kicker, standfirst, byline, date and publication from the lines before the body."""
    head: dict = {}
    candidates: list[_Line] = []
    for line in lines:
        if line.dropped:
            continue
        text = smarten(line.text)
        if match := _DATELINE.match(text):
            head.setdefault("publication", match.group("pub").strip())
            _set_date(head, match.group("date"))
            line.dropped = "metadata (publication and date)"
        elif match := _SUBMITTED.match(text):
            head.setdefault("byline", match.group("name").strip())
            _set_date(head, match.group("date"))
            line.dropped = "metadata (byline and date)"
        elif (match := _BY.match(text)) and candidates:
            head.setdefault("byline", match.group("name").strip())
            line.dropped = "metadata (byline)"
        elif parse_date(text) and len(text) <= 40:
            _set_date(head, text)
            line.dropped = "metadata (date)"
        else:
            candidates.append(line)
    if not candidates:
        return head
    first = candidates[0]
    title_index = 0
    if (
        len(candidates) > 1
        and len(first.text) <= 60
        and len(candidates[1].text) <= 60
        and not _SENTENCE_END.search(first.text)
        and not _is_name(candidates[1].text)
    ):
        head["kicker"] = smarten(first.text)
        first.dropped = "metadata (kicker)"
        title_index = 1
    title = candidates[title_index]
    head["title"] = short_title(smarten(title.text))
    title.dropped = "metadata (title)"
    for line in candidates[title_index + 1 :]:
        if "byline" not in head and _is_name(line.text):
            head["byline"] = smarten(line.text)
            line.dropped = "metadata (byline)"
        elif "standfirst" not in head and len(line.text.split()) >= 6:
            head["standfirst"] = smarten(line.text)
            line.dropped = "metadata (standfirst)"
        else:
            line.dropped = "before the article's start"
    for line in candidates[:title_index]:
        line.dropped = line.dropped or "before the article's start"
    return head


def _set_date(head: dict, text: str) -> None:
    value = parse_date(text)
    if value and "date" not in head:
        head["date"] = value


def _is_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 4 and len(text) <= 40 and all(_NAME_WORD.match(w) for w in words)


def _read_body(lines: list[_Line]) -> list[Block]:
    """Paragraphs, headings, quotations and lists from the article's lines."""
    kept = [line for line in lines if not line.dropped]
    _mark_link_runs(kept)
    kept = [line for line in kept if not line.dropped]
    blocks: list[Block] = []
    index = 0
    while index < len(kept):
        text = smarten(kept[index].text)
        previous = kept[index - 1].text if index else ""
        if _BULLET.match(text) or (
            _NUMBERED.match(text)
            and index + 1 < len(kept)
            and _NUMBERED.match(kept[index + 1].text)
        ):
            ordered = not _BULLET.match(text)
            pattern = _NUMBERED if ordered else _BULLET
            items = []
            while index < len(kept) and pattern.match(kept[index].text):
                items.append(to_html(pattern.sub("", smarten(kept[index].text), count=1)))
                index += 1
            # a numbered list counts from its first number ("3. Close the gates")
            start = int(re.match(r"\d+", text).group()) if ordered else 1
            blocks.append(ListBlock(tuple(items), ordered=ordered, start=start))
            continue
        if _is_heading(text, previous, index, len(kept)):
            blocks.append(Heading(to_html(text)))
            index += 1
            continue
        quote = _quotation(kept, index)
        if quote:
            blocks.append(Quote(tuple(to_html(smarten(line.text)) for line in quote)))
            index += len(quote)
            continue
        blocks.append(Paragraph(to_html(text)))
        index += 1
    return blocks


def _mark_link_runs(kept: list[_Line]) -> None:
    run: list[_Line] = []
    for line in [*kept, _Line("A sentence that ends the run of lines, long enough to be prose.")]:
        short = len(line.text) <= HEADING_MAX_CHARS and not _SENTENCE_END.search(line.text)
        if short and not _BULLET.match(line.text):
            run.append(line)
            continue
        if len(run) >= LINK_RUN:
            for item in run:
                item.dropped = "link list (a run of short lines without sentences)"
        run = []


def _is_heading(text: str, previous: str, index: int, count: int) -> bool:
    words = text.split()
    return (
        0 < index < count - 1
        and len(text) <= HEADING_MAX_CHARS
        and len(words) <= HEADING_MAX_WORDS
        and not re.search(r"[.,;:\u2026][\u201d\u2019\"')\]]*$", text)
        and (text[0].isupper() or text[0].isdigit())
        and _SENTENCE_END.search(previous) is not None
    )


def _quotation(kept: list[_Line], index: int) -> list[_Line]:
    """The paragraphs of a whole-paragraph quotation starting at ``index``, or []."""
    first = smarten(kept[index].text)
    if not first.startswith("\u201c"):
        return []
    depth = 0
    taken: list[_Line] = []
    for line in kept[index : index + 8]:
        text = smarten(line.text)
        if taken and text.startswith("\u201c") and depth > 0:
            depth -= 1  # a continued quotation reopens each paragraph by convention
        taken.append(line)
        for position, ch in enumerate(text):
            if ch == "\u201c":
                depth += 1
            elif ch == "\u201d":
                depth -= 1
                if depth == 0:
                    rest = text[position + 1 :]
                    return taken if re.fullmatch(r"[\s.,;:!?\u2026)\]]*", rest) else []
        if depth <= 0:
            return []
    return []


def _title_from_name(name: str) -> str:
    stem = re.sub(r"(\.[A-Za-z]+)+$", "", name.rsplit("/", 1)[-1])
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:] if words else name

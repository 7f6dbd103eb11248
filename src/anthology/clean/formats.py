"""Show a cleaned article: as text, XHTML, Markdown or JSON, and as an HTML report of the
decisions."""

from __future__ import annotations

import html
import json
import re
import unicodedata

from anthology.core.model import (
    NEVER_CONSIDERED,
    Article,
    Block,
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    block_xhtml,
)
from anthology.core.text import strip_tags

FORMATS = ("text", "xhtml", "markdown", "json")
SUFFIX = {"text": ".txt", "xhtml": ".xhtml", "markdown": ".md", "json": ".json"}
# Languages written right to left (ISO 639 codes): Arabic, Hebrew, Persian, Urdu, Yiddish,
# Pashto, Dhivehi, Sindhi, Uyghur, Central Kurdish, Syriac.
_RTL_LANGUAGES = frozenset(
    ["ar", "he", "iw", "fa", "ur", "yi", "ji", "ps", "dv", "sd", "ug", "ckb", "syr"]
)


def body_text(article: Article) -> str:
    """The body as plain text, blocks separated by blank lines (no title or metadata); a line
    break inside a block is a new line (``a<br/>b`` reads "a", "b", never "ab")."""
    parts = []
    for block in article.body:
        if isinstance(block, Paragraph | Heading):
            parts.append(_inline_text(block.html))
        elif isinstance(block, Quote):
            parts.append("\n\n".join(_inline_text(p) for p in block.paragraphs))
        elif isinstance(block, ListBlock):
            parts.append("\n".join(_inline_text(i) for i in block.items))
        elif isinstance(block, Figure) and block.caption:
            parts.append(_inline_text(block.caption))
    return "\n\n".join(p for p in parts if p.strip())


_LINE_BREAK = re.compile(r"<br\s*/?>")


def _inline_text(fragment: str) -> str:
    """The text of an inline XHTML fragment, its line breaks kept as new lines."""
    return strip_tags(_LINE_BREAK.sub("\n", fragment))


def _metadata_lines(article: Article) -> list[tuple[str, str]]:
    fields = [
        ("kicker", article.kicker),
        ("title", article.title),
        ("standfirst", article.standfirst),
        ("byline", article.byline),
        ("date", article.date.isoformat() if article.date else ""),
        ("publication", article.publication),
        ("url", article.url),
        ("language", article.language),
    ]
    return [(k, v) for k, v in fields if v]


def direction(article: Article) -> str:
    """ "rtl" or "ltr": from the article's language, or from its letters when none is stated."""
    if article.language:
        head = article.language.split("-")[0].lower()
        script = article.language.split("-")[1:2]
        if script and script[0].lower() in ("arab", "hebr", "thaa", "syrc"):
            return "rtl"
        return "rtl" if head in _RTL_LANGUAGES else "ltr"
    letters = [c for c in body_text(article)[:5000] if c.isalpha()]
    rtl = sum(unicodedata.bidirectional(c) in ("R", "AL") for c in letters)
    return "rtl" if letters and rtl > len(letters) / 2 else "ltr"


def json_record(article: Article | None, source: str, refused: str = "") -> str:
    """One line of JSON for a page: the article's metadata, body text and counts, or why the
    page was refused.

    Args:
        article: the cleaned article, or None when the page was refused.
        source: the page as the command line named it.
        refused: why the page was refused (when ``article`` is None).
    """
    if article is None:
        return json.dumps({"source": source, "refused": refused}, ensure_ascii=False)
    dropped_words = sum(len(d.text.split()) for d in article.dropped)
    record = {
        "source": source,
        "url": article.url,
        "title": article.title,
        "byline": article.byline,
        "date": article.date.isoformat() if article.date else None,
        "language": article.language,
        "direction": direction(article),
        "publication": article.publication,
        "kicker": article.kicker,
        "standfirst": article.standfirst,
        # the cleaner's judgement of the page when it makes one; a kept page is an article
        "page_type": getattr(article, "page_type", "") or "article",
        "body": body_text(article),
        "kept": {"blocks": len(article.body), "words": article.word_count},
        "dropped": {"blocks": len(article.dropped), "words": dropped_words},
    }
    return json.dumps(record, ensure_ascii=False)


def render(article: Article, fmt: str, body_only: bool = False, source: str = "") -> str:
    """The article in ``fmt`` (text, xhtml, markdown or json); ``source`` names the page in
    JSON, which always carries the metadata."""
    if fmt == "json":
        return json_record(article, source or article.source)
    if fmt == "text":
        body = body_text(article)
        if body_only:
            return body + "\n"
        head = "\n".join(f"{k}: {v}" for k, v in _metadata_lines(article))
        return f"{head}\n\n{body}\n"
    if fmt == "xhtml":
        body = "\n".join(_xhtml_block(b) for b in article.body)
        if body_only:
            return body + "\n"
        meta = "\n".join(
            f'<meta name="{k}" content="{html.escape(v, quote=True)}"/>'
            for k, v in _metadata_lines(article)
            if k != "title"
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n<meta charset="utf-8"/>\n'
            f"<title>{html.escape(article.title)}</title>\n{meta}\n</head>\n<body>\n"
            f"<h1>{html.escape(article.title)}</h1>\n{body}\n</body>\n</html>\n"
        )
    if fmt == "markdown":
        body = "\n\n".join(_markdown_block(b) for b in article.body)
        if body_only:
            return body + "\n"
        front = "\n".join(f"{k}: {_yaml(v)}" for k, v in _metadata_lines(article))
        return f"---\n{front}\n---\n\n# {article.title}\n\n{body}\n"
    raise ValueError(f"unknown format {fmt!r}")


def _xhtml_block(block: Block) -> str:
    return (
        block_xhtml(block)  # the renderers' own XHTML for a block
        if not isinstance(block, Heading)
        else (f"<h{block.level}>{block.html}</h{block.level}>")
    )


def _markdown_inline(fragment: str) -> str:
    text = re.sub(r"</?(em|i)>", "*", fragment)
    text = re.sub(r"</?(strong|b)>", "**", text)
    text = re.sub(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', r"[\2](\1)", text, flags=re.S)
    text = re.sub(r"<br\s*/?>", "  \n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _markdown_block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return _markdown_inline(block.html)
    if isinstance(block, Heading):
        return "#" * block.level + " " + _markdown_inline(block.html)
    if isinstance(block, Quote):
        return "\n>\n".join("> " + _markdown_inline(p) for p in block.paragraphs)
    if isinstance(block, ListBlock):
        marks = (f"{n}." for n in range(1, len(block.items) + 1)) if block.ordered else None
        return "\n".join(
            f"{next(marks) if marks else '-'} {_markdown_inline(item)}" for item in block.items
        )
    caption = _markdown_inline(block.caption) if block.caption else ""
    return f"![{block.alt}]({block.src})" + (f"\n\n*{caption}*" if caption else "")


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def explain_html(reports: list[tuple[str, Article | None, str]]) -> str:
    """An HTML report: for each page, what was kept and what was dropped, with the reason.

    Args:
        reports: (page name, article or None, error message) for each page.
    """
    sections = []
    for name, article, error in reports:
        title = html.escape(name)
        if article is None:
            sections.append(
                f'<section class="page failed"><h2>{title}</h2>'
                f'<p class="error">{html.escape(error)}</p></section>'
            )
            continue
        meta = "".join(
            f"<tr><th>{k}</th><td>{html.escape(v)}</td></tr>" for k, v in _metadata_lines(article)
        )
        kept = "".join(
            f'<div class="kept {type(b).__name__.lower()}">{_xhtml_block(b)}</div>'
            for b in article.body
        )
        reasons: dict[str, int] = {}
        for d in article.dropped:
            reasons[d.reason] = reasons.get(d.reason, 0) + 1
        summary = "".join(
            f"<li>{html.escape(r)}: {n}</li>"
            for r, n in sorted(reasons.items(), key=lambda x: -x[1])
        )
        # what the passes dropped, then what they never looked at (outside the content)
        never = [d for d in article.dropped if d.reason.startswith(NEVER_CONSIDERED)]
        dropped = "".join(
            f'<li class="dropped"><span class="reason">{html.escape(d.reason)}</span> '
            f"<s>{html.escape(d.text)}</s></li>"
            for d in article.dropped
            if not d.reason.startswith(NEVER_CONSIDERED)
        )
        if never:
            dropped += '</ol><h4>Never considered</h4><ol class="dropped-list never">' + "".join(
                f'<li class="dropped"><span class="reason">{html.escape(d.reason)}</span> '
                f"<s>{html.escape(d.text)}</s></li>"
                for d in never
            )
        sections.append(
            f'<section class="page"><h2>{title}</h2><table class="meta">{meta}</table>'
            f"<p>{article.word_count} words kept in {len(article.body)} blocks; "
            f'{len(article.dropped)} pieces dropped.</p><ul class="summary">{summary}</ul>'
            f'<div class="columns"><div><h3>Kept</h3>{kept}</div>'
            f'<div><h3>Dropped, and why</h3><ol class="dropped-list">{dropped}</ol></div></div>'
            "</section>"
        )
    style = (
        "body{font:15px/1.45 system-ui,sans-serif;margin:2em;max-width:90em}"
        ".columns{display:grid;grid-template-columns:3fr 2fr;gap:2em}"
        ".kept{border-left:4px solid #3a7d44;padding:0.1em 0.8em;margin:0.4em 0;background:#f3faf4}"
        ".kept.heading{border-color:#1d4f91}.kept.quote{border-color:#7a5c1f}"
        ".dropped{margin:0.3em 0;color:#6b1f1f}.dropped s{color:#555}"
        ".reason{display:inline-block;background:#fbe9e9;border-radius:3px;padding:0 0.4em;"
        "font-size:0.85em;color:#6b1f1f}.error{color:#a00;font-weight:bold}"
        "table.meta th{text-align:left;padding-right:1em;color:#555}section.page{margin-bottom:4em}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"/>'
        f"<title>Cleaning report</title><style>{style}</style></head><body>"
        f"<h1>Cleaning report: {len(reports)} pages</h1>"
        "<p>Green blocks are kept in the book; the right column lists everything the cleaner "
        "removed and the rule or signal that removed it, then the page's text it never "
        "considered (outside the article's content, hidden, or site furniture). To change a "
        "decision for a site, add a rule in <code>sources/sites/&lt;host&gt;.toml</code>.</p>"
        + "".join(sections)
        + "</body></html>\n"
    )

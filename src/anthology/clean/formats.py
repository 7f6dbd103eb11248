"""Show a cleaned article: as text, XHTML, Markdown or JSON, and as an HTML report of the
decisions."""

from __future__ import annotations

import html
import json
import re

from anthology.core.model import (
    NEVER_CONSIDERED,
    Article,
    Block,
    Code,
    DefinitionList,
    Figure,
    Heading,
    ListBlock,
    Math,
    Paragraph,
    Quote,
    Table,
    block_xhtml,
)
from anthology.core.text import language_direction, strip_tags, text_direction

FORMATS = ("text", "xhtml", "markdown", "json")
SUFFIX = {"text": ".txt", "xhtml": ".xhtml", "markdown": ".md", "json": ".json"}


def body_text(article: Article, line_breaks: bool = True) -> str:
    """The body as plain text, blocks separated by blank lines (no title or metadata): code as
    written, a table a row a line (cells between `` | ``), a nested list indented.

    A line break inside a block is a new line (``a<br/>b`` reads "a", "b", never "ab");
    ``line_breaks=False`` joins them (text measured for its words, not shown).
    """
    return "\n\n".join(
        text for block in article.body if (text := block_text(block, line_breaks)).strip()
    )


def block_text(block: Block, line_breaks: bool = True) -> str:
    """One block as plain text (see ``body_text``)."""

    def plain(fragment: str) -> str:
        return strip_tags(_LINE_BREAK.sub("\n", fragment) if line_breaks else fragment)

    if isinstance(block, Paragraph | Heading):
        return plain(block.html)
    if isinstance(block, Quote):
        paragraphs = [*block.paragraphs, *([block.attribution] if block.attribution else [])]
        return "\n\n".join(plain(p) for p in paragraphs)
    if isinstance(block, ListBlock):
        return "\n".join(_list_lines(block, plain))
    if isinstance(block, Code):
        return block.text
    if isinstance(block, Math):
        return block.text
    if isinstance(block, Table):
        rows = [" | ".join(t for c in row if (t := plain(c.html).strip())) for row in block.rows]
        caption = [plain(block.caption)] if block.caption else []
        return "\n".join(caption + [r for r in rows if r])
    if isinstance(block, DefinitionList):
        return "\n".join(plain(text) for _, text in block.items)
    if isinstance(block, Figure):
        return "\n".join(plain(f) for f in (block.caption, block.credit) if f)
    return ""


def _list_lines(block: ListBlock, plain, indent: str = "") -> list[str]:
    lines = []
    nested = block.nested or (None,) * len(block.items)
    for item, inner in zip(block.items, nested, strict=False):
        if plain(item).strip():
            lines.append(indent + plain(item))
        if inner is not None:
            lines.extend(_list_lines(inner, plain, indent + "  "))
    return lines


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
        return language_direction(article.language)
    return text_direction(body_text(article))


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
    text = re.sub(r"</?(code|kbd|samp)>", "`", text)
    text = re.sub(r"<br\s*/?>", "  \n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _markdown_block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return _markdown_inline(block.html)
    if isinstance(block, Heading):
        return "#" * block.level + " " + _markdown_inline(block.html)
    if isinstance(block, Quote):
        lines = ["> " + _markdown_inline(p) for p in block.paragraphs]
        if block.attribution:
            lines.append("> \u2014\u2009" + _markdown_inline(block.attribution))
        return "\n>\n".join(lines)
    if isinstance(block, ListBlock):
        return "\n".join(_markdown_list(block, ""))
    if isinstance(block, Code):
        fence = "```"
        while fence in block.text:
            fence += "`"
        return f"{fence}{block.language}\n{block.text}\n{fence}"
    if isinstance(block, Math):
        return block.text
    if isinstance(block, Table):
        return _markdown_table(block)
    if isinstance(block, DefinitionList):
        return "\n".join(
            _markdown_inline(text) if kind == "dt" else ": " + _markdown_inline(text)
            for kind, text in block.items
        )
    caption = _markdown_inline(block.caption) if block.caption else ""
    if block.credit:
        caption += (" " if caption else "") + _markdown_inline(block.credit)
    return f"![{block.alt}]({block.src})" + (f"\n\n*{caption}*" if caption else "")


def _markdown_list(block: ListBlock, indent: str) -> list[str]:
    lines = []
    nested = block.nested or (None,) * len(block.items)
    step = -1 if block.reversed else 1
    for n, (item, inner) in enumerate(zip(block.items, nested, strict=False)):
        mark = f"{block.start + n * step}." if block.ordered else "-"
        lines.append(f"{indent}{mark} {_markdown_inline(item)}")
        if inner is not None:
            lines.extend(_markdown_list(inner, indent + " " * (len(mark) + 1)))
    return lines


def _markdown_table(block: Table) -> str:
    """A pipe table; a table without a header row gets an empty one (Markdown needs one)."""
    width = block.columns

    def row(cells) -> str:
        texts = []
        for cell in cells:
            text = _markdown_inline(cell.html).replace("  \n", " ").replace("|", "\\|")
            texts.extend([text.strip()] + [""] * (cell.colspan - 1))
        texts += [""] * (width - len(texts))
        return "| " + " | ".join(texts) + " |"

    rows = list(block.rows)
    head = row(rows.pop(0)) if rows and all(c.header for c in rows[0]) else row(())
    lines = [head, "|" + " --- |" * width, *(row(r) for r in rows)]
    if block.caption:
        lines.insert(0, _markdown_inline(block.caption) + "\n")
    return "\n".join(lines)


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
